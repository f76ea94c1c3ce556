import { GroveError } from "@grove/core/store";
import type { CliContext } from "../context.js";
import { formatSize } from "../output/format-size.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove fsck [--json]`: verify the store and the roots; exit status 1 when anything is damaged. */
export const registerFsckCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("fsck")
    .summary("verify the store and the roots")
    .description(
      "Re-hash every object in the store (a file changed through a hard link in a root shows up " +
        "here), check every commit, ref and source-index entry, and check that each root's current " +
        "generation is complete. Lists each problem by kind and name; exit status 1 when there is one.",
    )
    .option("--json", "print {ok, store, roots} as JSON")
    .action(async (options) => {
      const { checkGroveDir } = await import("@grove/checkout/assemble");
      const dir = resolveStoreDir(root.opts().store, ctx);
      const result = await checkGroveDir(dir);
      const problems = [...result.store.problems, ...result.roots];
      if (options.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else {
        const s = result.store;
        ctx.stdout(
          `checked ${s.objectsChecked} objects (${formatSize(s.bytesHashed)}), ${s.commitsChecked} commits, ${s.refsChecked} refs, ${s.indexEntriesChecked} index entries\n`,
        );
        for (const p of problems) ctx.stdout(`${p.kind} ${p.subject}: ${p.message}\n`);
        if (problems.length === 0) ctx.stdout("no problems found\n");
      }
      if (problems.length > 0) {
        throw new GroveError(
          "CLI_FSCK_PROBLEMS",
          `${dir} has ${problems.length} problem${problems.length === 1 ? "" : "s"} (listed on standard output)`,
          {
            subject: dir,
            hint: "a corrupt object was modified through a hard link in a root: remove that root and run `grove gc`",
          },
        );
      }
    });
};
