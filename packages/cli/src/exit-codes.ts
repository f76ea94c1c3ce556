/** Process exit codes of the `grove` command. */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The command failed: a `GroveError` (bad package, missing file, ...) or an unexpected internal error. */
  failure: 1,
  /** The command line was wrong: unknown command or option, missing argument. */
  usage: 2,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
