// Ambient declarations for the decoder libraries that ship no TypeScript types.
// Only what grove uses is declared; each decoder module narrows the value it loads.

declare module "lzma-native" {
  const lzmaNative: unknown;
  export default lzmaNative;
}

declare module "unbzip2-stream" {
  const unbzip2Stream: unknown;
  export default unbzip2Stream;
}
