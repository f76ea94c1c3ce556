import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** Who holds a lock: enough to tell, later and from another process, whether the holder still runs. */
export interface LockHolder {
  /** Process id. */
  pid: number;
  /** The process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22); `""` where unknown. */
  start: string;
  /** Host name; a holder on another host is never judged dead. */
  host: string;
  /** Random token unique to this acquisition. */
  nonce: string;
}

interface ProcStat {
  start: string;
  state: string;
}

function readProcStat(pid: number | "self"): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", start: fields[19] ?? "" };
}

const hasProc = readProcStat("self") !== undefined;
const ownStart = readProcStat("self")?.start ?? "";
const ownHost = hostname();

/** A fresh {@link LockHolder} for this process, with a new nonce. */
export function newLockHolder(): LockHolder {
  return { pid: process.pid, start: ownStart, host: ownHost, nonce: randomBytes(8).toString("hex") };
}

/**
 * True unless the holder's process is known to be gone: no such pid, a zombie, or a pid since
 * reused by a process with another start time. Holders on another host count as alive.
 * @param holder - the recorded holder
 */
export function isHolderAlive(holder: Pick<LockHolder, "pid" | "start" | "host">): boolean {
  if (holder.host !== ownHost) return true;
  if (holder.pid === process.pid) return holder.start === ownStart;
  if (hasProc) {
    const stat = readProcStat(holder.pid);
    if (stat === undefined) return false;
    if (stat.state === "Z" || stat.state === "X") return false;
    return holder.start === "" || stat.start === holder.start;
  }
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True unless process `pid` on this host is known to be gone (start time unknown). */
export function isPidAlive(pid: number): boolean {
  return isHolderAlive({ pid, start: pid === process.pid ? ownStart : "", host: ownHost });
}
