import type { ProgressListener } from "@grove/checkout";
import type { CliContext } from "../context.js";
import { formatSize } from "./format-size.js";
import { ProgressLine } from "./progress-line.js";
import { renderSolvedLine } from "./root-result-text.js";

/** What {@link progressReporter} gives a command. */
export interface ProgressReporter {
  /** Pass to the library's `onProgress`. */
  listener: ProgressListener;
  /** Erases the progress line; call before printing results. */
  finish(): void;
}

/**
 * Progress output for `grove assemble` / `grove upgrade`: in text mode the "N packages, M to
 * download" line on standard output, and on a terminal a progress line on standard error. With
 * `--json` nothing on standard output (it carries only the JSON). Download retries are reported on
 * standard error in both modes.
 * @param ctx - output sinks
 * @param json - whether `--json` was given
 */
export function progressReporter(ctx: CliContext, json: boolean): ProgressReporter {
  const line = !json && ctx.stderrIsTTY === true ? new ProgressLine(ctx) : undefined;
  return {
    listener: (event) => {
      if (event.type === "retry") {
        line?.clear();
        ctx.stderr(`grove: ${event.root}: retrying ${event.nevra}: ${event.message}\n`);
        return;
      }
      if (json) return;
      if (event.type === "solved") {
        line?.clear();
        ctx.stdout(renderSolvedLine(event.root, event.packages, event.toDownload, formatSize(event.downloadBytes)));
        return;
      }
      line?.update(event);
    },
    finish: () => line?.clear(),
  };
}
