export { ByteReader, type ByteSource } from "./io/byte-reader.js";
export * from "./types.js";
