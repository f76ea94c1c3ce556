import type { GroveProgress } from "@grove/checkout";
import type { CliContext } from "../context.js";
import { formatSize } from "./format-size.js";

/** Width of the bar in characters. */
const BAR_WIDTH = 24;
/** Least time between two redraws of the same kind of line. */
const REDRAW_MS = 100;

/**
 * A one-line progress display on standard error for `grove assemble` and `grove upgrade`: a bar for
 * downloads and imports, the phase while a generation is built. It rewrites its line in place
 * (`\r` + erase), so it is used only when standard error is a terminal.
 */
export class ProgressLine {
  private lastDraw = 0;
  private shown = false;

  /** @param ctx - where to draw (`ctx.stderr`) */
  constructor(private readonly ctx: CliContext) {}

  /**
   * Shows an event.
   * @param event - from the library's `onProgress`
   */
  update(event: GroveProgress): void {
    const now = performance.now();
    const final =
      (event.type === "download" && event.done === event.count) ||
      (event.type === "import" && event.done === event.count);
    if (!final && event.type !== "assemble" && now - this.lastDraw < REDRAW_MS) return;
    const text = describe(event);
    if (text === undefined) return;
    this.lastDraw = now;
    this.shown = true;
    this.ctx.stderr(`\r\u001b[K${text}`);
  }

  /** Erases the line (before ordinary output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.ctx.stderr("\r\u001b[K");
    this.shown = false;
  }
}

function describe(event: GroveProgress): string | undefined {
  switch (event.type) {
    case "download":
      return `${event.root}: downloading ${bar(event.receivedBytes, event.totalBytes)} ${event.done}/${event.count} packages, ${formatSize(event.receivedBytes)} of ${formatSize(event.totalBytes)}`;
    case "import":
      return `${event.root}: importing   ${bar(event.done, event.count)} ${event.done}/${event.count} ${event.nevra}`;
    case "assemble":
      return `${event.root}: building the new generation (${event.phase})`;
    default:
      return undefined;
  }
}

function bar(done: number, total: number): string {
  const filled = total <= 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH));
  return `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`;
}
