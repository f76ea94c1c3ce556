import { readFileSync } from "node:fs";
import { Command } from "@commander-js/extra-typings";
import type { CliContext } from "./context.js";
import { STORE_DIR_HELP } from "./store-dir.js";

/** Extra help printed after the root command's option and command lists. */
const ROOT_HELP_FOOTER = `
Environment:
  GROVE_STORE     store directory when --store is not given
  XDG_DATA_HOME   the store defaults to $XDG_DATA_HOME/grove (else ~/.local/share/grove)
  GROVE_DEBUG=1   print stack traces and error causes
  NODE_EXTRA_CA_CERTS  more certificate authorities (PEM file) for HTTPS repositories
  GROVE_CODE_CACHE  directory of grove's V8 code cache (default $XDG_CACHE_HOME/grove/v8,
                  else ~/.cache/grove/v8), or off

Exit status: 0 on success, 1 when the command fails, 2 for a usage error.
Commands that take --json print errors as {"error":{"code":...,"message":...}} on stderr.`;

/**
 * The version in `@grove/cli`'s package.json, read at run time from the nearest `package.json` above this module
 * that is `@grove/cli`'s: `dist/root-command.js` and the bundle, `dist/grove-bundle.cjs`, are below it.
 */
export function cliVersion(): string {
  for (let dir = new URL(".", import.meta.url), up = 0; up < 3; dir = new URL("..", dir), up++) {
    let parsed: { name?: unknown; version?: unknown };
    try {
      parsed = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as typeof parsed;
    } catch {
      continue;
    }
    if (parsed.name === "@grove/cli") return typeof parsed.version === "string" ? parsed.version : "0.0.0";
  }
  return "0.0.0";
}

/**
 * The bare `grove` command: name, version, global options and output wiring, without subcommands.
 *
 * Commander errors are not printed or turned into `process.exit` here: `exitOverride` makes them throw
 * `CommanderError`, and {@link runGrove} reports them. Subcommands added with `.command()` inherit this
 * configuration.
 */
export function createRootCommand(ctx: CliContext) {
  return new Command("grove")
    .description("Build container root filesystems from RPM packages, without root.")
    .version(cliVersion(), "-V, --version", "print the grove version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help")
    .option("--store <dir>", STORE_DIR_HELP)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout(text),
      writeErr: (text) => ctx.stderr(text),
      // Usage errors are printed by the error reporter, in text or JSON form.
      outputError: () => {},
    })
    .addHelpText("after", ROOT_HELP_FOOTER);
}

/** The type of the root `grove` command, with its global options; subcommands are registered on it. */
export type RootCommand = ReturnType<typeof createRootCommand>;
