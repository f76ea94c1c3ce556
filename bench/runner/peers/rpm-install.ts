/**
 * `rpm -i --root` of the package files a root consists of: no dependency checks, no scriptlets, no signature
 * checks. The floor of what rpm itself costs to unpack the same packages.
 * @packageDocumentation
 */
import type { CommandSpec } from "../measured-command.js";

/**
 * `rpm -i --root ROOT --nodeps --noscripts --nosignature FILES...`.
 * @param root - the (empty or missing) root directory
 * @param files - the package files
 * @param env - the reference environment (see `referenceEnv`)
 */
export function rpmInstall(root: string, files: readonly string[], env: NodeJS.ProcessEnv): CommandSpec {
  return {
    command: "rpm",
    args: ["-i", "--root", root, "--nodeps", "--noscripts", "--nosignature", ...files],
    env,
  };
}

/**
 * `rpm -qa` in a root, one `NAME VERSION RELEASE ARCH` line per package: which files built it.
 * @param root - an installed root
 * @param env - the reference environment
 */
export function rpmQueryAll(root: string, env: NodeJS.ProcessEnv): CommandSpec {
  return {
    command: "rpm",
    args: ["--root", root, "-qa", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}\\n"],
    env,
  };
}
