/**
 * Writing the repository metadata of a corpus: an optional comps file and `createrepo_c`'s rpm-md repodata.
 * @packageDocumentation
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { SOURCE_DATE_EPOCH } from "./rpm-build.js";
import { runCommand } from "./run-command.js";
import { xmlEscape } from "./xml-text.js";

/** The comps group Fedora's mock installs into a build root. */
export const BUILDSYS_GROUP = "buildsys-build";

/** Write `comps.xml` with one group, `buildsys-build`, whose mandatory packages are `members`. */
export async function writeComps(file: string, members: readonly string[]): Promise<void> {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">',
    "<comps>",
    "  <group>",
    `    <id>${BUILDSYS_GROUP}</id>`,
    "    <name>Buildsystem building group</name>",
    "    <description>The packages a minimal build root contains.</description>",
    "    <default>false</default>",
    "    <uservisible>false</uservisible>",
    "    <packagelist>",
    ...[...new Set(members)].sort().map((m) => `      <packagereq type="mandatory">${xmlEscape(m)}</packagereq>`),
    "    </packagelist>",
    "  </group>",
    "</comps>",
    "",
  ];
  await writeFile(file, lines.join("\n"));
}

/**
 * Run `createrepo_c` on `repoDir` (gzip metadata, no sqlite, fixed revision and timestamps, two workers).
 * @param groupFile - a comps file to include, if any
 */
export async function createRepodata(repoDir: string, groupFile: string | undefined): Promise<void> {
  const args = [
    "--quiet",
    "--no-database",
    "--general-compress-type=gz",
    "--workers=2",
    `--revision=${SOURCE_DATE_EPOCH}`,
    "--set-timestamp-to-revision",
  ];
  if (groupFile !== undefined) args.push(`--groupfile=${groupFile}`);
  args.push(path.resolve(repoDir));
  await runCommand("createrepo_c", args);
}
