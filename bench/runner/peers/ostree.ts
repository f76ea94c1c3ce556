/**
 * ostree as the floor for linking an already imported tree: a bare-user repository holding one commit of a
 * finished root, and `ostree checkout -U -H` (user mode, hard links required) of it.
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import type { CommandSpec } from "../measured-command.js";

/** True when the `ostree` program is installed. */
export function ostreeAvailable(): boolean {
  return spawnSync("ostree", ["--version"], { stdio: "ignore" }).status === 0;
}

/** `ostree init --mode=bare-user`. */
export function ostreeInit(repo: string): CommandSpec {
  return { command: "ostree", args: [`--repo=${repo}`, "init", "--mode=bare-user"] };
}

/** `ostree commit` of a directory tree to `branch` (extended attributes left out). */
export function ostreeCommit(repo: string, branch: string, tree: string): CommandSpec {
  return {
    command: "ostree",
    args: [`--repo=${repo}`, "commit", `--branch=${branch}`, `--tree=dir=${tree}`, "--no-xattrs"],
  };
}

/** `ostree checkout -U -H BRANCH DEST`: a hard-linked user-mode checkout. */
export function ostreeCheckout(repo: string, branch: string, dest: string): CommandSpec {
  return { command: "ostree", args: [`--repo=${repo}`, "checkout", "-U", "-H", branch, dest] };
}
