import path from "node:path";
import type { CliContext } from "./context.js";

/** Text for `--help` describing how the store directory is chosen. */
export const STORE_DIR_HELP =
  "object store directory (default: $GROVE_STORE, else $XDG_DATA_HOME/grove or ~/.local/share/grove)";

/**
 * The store directory grove uses: the `--store` option if given, else `$GROVE_STORE`, else
 * `$XDG_DATA_HOME/grove` (only when `XDG_DATA_HOME` is absolute, as the XDG spec requires),
 * else `~/.local/share/grove`. Always returned as an absolute path.
 *
 * @param option - value of the global `--store` option, if given
 * @param ctx - environment and home directory
 */
export function resolveStoreDir(option: string | undefined, ctx: Pick<CliContext, "env" | "homeDir">): string {
  if (option !== undefined && option !== "") return path.resolve(option);
  const fromEnv = ctx.env.GROVE_STORE;
  if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv);
  const xdgData = ctx.env.XDG_DATA_HOME;
  if (xdgData !== undefined && path.isAbsolute(xdgData)) return path.join(xdgData, "grove");
  return path.join(ctx.homeDir, ".local", "share", "grove");
}
