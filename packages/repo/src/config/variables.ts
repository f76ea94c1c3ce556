/** Values for `$name` / `${name}` substitution in `.repo` values (`arch`, `basearch`, `releasever`, ...). */
export type RepoVariables = Readonly<Record<string, string>>;

const NODE_TO_RPM_ARCH: Readonly<Record<string, string>> = {
  x64: "x86_64",
  arm64: "aarch64",
  ia32: "i686",
  arm: "armv7hl",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loongarch64",
};

const BASEARCH: ReadonlyArray<[RegExp, string]> = [
  [/^(i[3-6]86|athlon|geode|pentium[34])$/, "i386"],
  [/^(x86_64(_v[2-4])?|amd64|ia32e)$/, "x86_64"],
  [/^armv[78]h?n?l$/, "armhfp"],
  [/^armv[3-6].*$/, "arm"],
  [/^ppc64(p7)?$/, "ppc64"],
  [/^ppc(32)?$/, "ppc"],
  [/^sparc(v9)?$/, "sparc"],
  [/^sparc64v?$/, "sparc64"],
  [/^alpha.*$/, "alpha"],
];

/**
 * The rpm architecture of this machine (`x86_64`, `aarch64`, ...), from Node's `process.arch`.
 *
 * @param nodeArch - a `process.arch` value; defaults to the running process's
 */
export function machineArch(nodeArch: string = process.arch): string {
  return NODE_TO_RPM_ARCH[nodeArch] ?? nodeArch;
}

/**
 * dnf's `$basearch` for an rpm architecture: `i686` → `i386`, `armv7hl` → `armhfp`,
 * `x86_64_v2` → `x86_64`; other architectures map to themselves.
 *
 * @param arch - an rpm architecture
 */
export function baseArch(arch: string): string {
  for (const [pattern, base] of BASEARCH) if (pattern.test(arch)) return base;
  return arch;
}

/**
 * The default variables: `arch` and `basearch` of this machine (or of `arch` when given),
 * plus `releasever` (and `releasever_major`/`releasever_minor`) when `releasever` is given.
 *
 * @param options - `arch` to override the machine's, `releasever`, and extra variables
 */
export function defaultVariables(
  options: { arch?: string; releasever?: string; extra?: RepoVariables } = {},
): Record<string, string> {
  const arch = options.arch ?? machineArch();
  const vars: Record<string, string> = { arch, basearch: baseArch(arch) };
  if (options.releasever !== undefined) {
    vars.releasever = options.releasever;
    const [major = "", minor] = options.releasever.split(".", 2);
    vars.releasever_major = major;
    if (minor !== undefined) vars.releasever_minor = minor;
  }
  return { ...vars, ...options.extra };
}

const VARIABLE = /\$(?:\{([A-Za-z0-9_]+)(?::([-+])([^}]*))?\}|([A-Za-z0-9_]+))/g;

/**
 * Replace `$name`, `${name}`, `${name:-default}` and `${name:+alternative}` in `text`, as dnf does.
 * A variable with no value is left as written (so {@link unresolvedVariables} can report it).
 *
 * @param text - a `.repo` value such as a baseurl
 * @param vars - the variable values
 */
export function substituteVariables(text: string, vars: RepoVariables): string {
  return text.replace(VARIABLE, (whole, braced: string | undefined, op: string | undefined, word = "", bare) => {
    const name = (braced ?? bare) as string;
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (op === "-") return value === undefined || value === "" ? substituteVariables(word, vars) : value;
    if (op === "+") return value === undefined || value === "" ? "" : substituteVariables(word, vars);
    return value ?? whole;
  });
}

/**
 * The names of the `$variables` still present in `text` (after substitution), in order of appearance.
 *
 * @param text - a substituted value
 */
export function unresolvedVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1] ?? match[4];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}
