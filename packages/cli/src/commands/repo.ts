import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove repo add ID URL`, `grove repo list [--json]`, `grove repo rm ID`: the grove directory's repos.d/. */
export const registerRepoCommand = (root: RootCommand, ctx: CliContext): void => {
  const repo = root
    .command("repo")
    .summary("manage the rpm-md repositories roots are assembled from")
    .description("Add, list and remove repository definitions (.repo files in the grove directory's repos.d/).");

  const groveDir = async (): Promise<string> => {
    const { openGroveDir } = await import("@grove/checkout/assemble");
    return (await openGroveDir(resolveStoreDir(root.opts().store, ctx))).dir;
  };

  repo
    .command("add")
    .summary("add a repository")
    .description("Write repos.d/ID.repo with base URL URL (http(s)://, file:// or a local path).")
    .argument("<id>", "repository id: letters, digits, _ . : -")
    .argument("<url>", "base URL of the repository (the directory holding repodata/)")
    .option("--priority <n>", "dnf priority: a lower number wins (default 99)", (value) => Number(value))
    .action(async (id, url, options) => {
      const { addRepo } = await import("@grove/repo");
      const config = await addRepo(
        await groveDir(),
        id,
        url,
        options.priority === undefined ? {} : { priority: options.priority },
      );
      ctx.stdout(`added ${config.id}: ${config.baseurl.join(" ")}\n`);
    });

  repo
    .command("list")
    .summary("list repositories")
    .option("--json", "print [{id, name, baseurl, enabled, priority, cost}] as JSON")
    .action(async (options) => {
      const { listRepos } = await import("@grove/repo");
      const repos = await listRepos(await groveDir());
      if (options.json) {
        const rows = repos.map((r) => ({
          id: r.id,
          name: r.name,
          baseurl: r.baseurl,
          enabled: r.enabled,
          priority: r.priority,
          cost: r.cost,
        }));
        ctx.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (repos.length === 0) ctx.stdout("no repositories (add one with `grove repo add ID URL`)\n");
      for (const r of repos) {
        ctx.stdout(
          `${r.id}\t${r.enabled ? "enabled" : "disabled"}\t${r.baseurl.join(" ") || "(mirrorlist/metalink)"}\n`,
        );
      }
    });

  repo
    .command("rm")
    .summary("remove a repository")
    .argument("<id>", "repository id")
    .action(async (id) => {
      const { removeRepo } = await import("@grove/repo");
      const config = await removeRepo(await groveDir(), id);
      ctx.stdout(`removed ${config.id}\n`);
    });
};
