/**
 * Keeps the side-by-side benchmark harness working: `npm run bench:quick` (bench/run --quick: the generated
 * mini corpus, one run per figure) must finish and print the table with every expected row, each with numbers
 * in its cells. Times are not asserted: benchmarks never fail on a figure.
 *
 * Needs root (dnf --installroot, rpm -i --root) and Debian's dnf, rpm, rpmbuild, createrepo_c, ostree and GNU
 * time; outside CI it is skipped when they are missing, in CI it fails.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missing = ["dnf", "rpm", "rpmbuild", "createrepo_c", "ostree", "/usr/bin/time"].filter((t) => !haveTool(t));
const isRoot = process.getuid?.() === 0;
const skipReason =
  missing.length > 0 ? `${missing.join(", ")} not installed` : isRoot ? undefined : "dnf --installroot needs root";
if (skipReason !== undefined) {
  if (process.env.CI) throw new Error(`bench-quick.test.ts cannot run in CI: ${skipReason}`);
  console.warn(`skipping bench-quick.test.ts: ${skipReason}`);
}

/** The rows bench/run prints, by key, with what their scenario column starts with. */
const EXPECTED_ROWS: ReadonlyArray<[key: string, scenario: RegExp]> = [
  ["cold", /^cold assemble mini-web over HTTP$/],
  ["warm-dnf", /^warm assemble mini-web$/],
  ["warm-rpm", /^warm assemble mini-web$/],
  ["warm-ostree", /^warm assemble mini-web$/],
  ["second", /^second root mini-db after mini-web$/],
  ["second-downloads", /^second root mini-db after mini-web: downloaded$/],
  ["upgrade-first", /^upgrade mini-web, one package changed \(.*\), first time: downloads it$/],
  ["upgrade-one", /^upgrade mini-web, one package changed, update already downloaded$/],
  ["upgrade-noop", /^upgrade mini-web, nothing to do$/],
  ["solve-warm", /^solve .*metadata cached$/],
  ["solve-cold", /^solve .*empty cache$/],
  ["disk-dnf", /^disk: three roots/],
  ["disk-unique", /^disk: three roots/],
];

/** Rows whose grove figure is a time, and so have a peak RSS. */
const TIMED = new Set([
  "cold",
  "warm-dnf",
  "warm-rpm",
  "warm-ostree",
  "second",
  "upgrade-first",
  "upgrade-one",
  "upgrade-noop",
  "solve-warm",
  "solve-cold",
]);

const work = skipReason === undefined ? mkdtempSync(path.join(tmpdir(), "bench-quick-test-")) : "";
afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

/** The data rows of the Markdown table in `report`, as cell lists. */
function tableRows(report: string): string[][] {
  const lines = report.split("\n").filter((l) => l.startsWith("| "));
  return lines.slice(2).map((l) =>
    l
      .slice(2, -2)
      .split(" | ")
      .map((c) => c.trim()),
  );
}

describe.skipIf(skipReason !== undefined)("npm run bench:quick", () => {
  it(
    "prints the side-by-side table with every scenario's row and numeric cells",
    () => {
      const json = path.join(work, "rows.json");
      const result = spawnSync("npm", ["run", "--silent", "bench:quick", "--", "--json", json], {
        cwd: repoRoot,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(result.status, `${result.stdout}\n${result.stderr.slice(-4000)}`).toBe(0);

      const rows = tableRows(result.stdout);
      expect(rows).toHaveLength(EXPECTED_ROWS.length);
      const keys = (JSON.parse(readFileSync(json, "utf8")) as { rows: Array<{ key: string }> }).rows.map((r) => r.key);
      expect(keys).toEqual(EXPECTED_ROWS.map(([key]) => key));

      for (const [i, [key, scenario]] of EXPECTED_ROWS.entries()) {
        const [name, grove, peerName, peer, ratio, rss, goal] = rows[i] as string[];
        const where = `row ${key}: ${rows[i]?.join(" | ")}`;
        expect(name, where).toMatch(scenario);
        expect(grove, where).toMatch(/^\d+(\.\d+)? (s|MB)\b/);
        expect(peerName, where).not.toBe("");
        expect(peer, where).toMatch(/^\d+(\.\d+)? (s|MB)\b/);
        expect(ratio, where).toMatch(/^\d+\.\d\dx$/);
        expect(rss, where).toMatch(TIMED.has(key) ? /^\d+ MB$/ : /^n\/a$/);
        expect(goal, where).not.toMatch(/n\/a/);
      }
      // Sanity of what ran: the same package counts for grove and dnf, one package changed by the upgrade.
      const byKey = new Map(EXPECTED_ROWS.map(([key], i) => [key, rows[i] as string[]]));
      expect(byKey.get("cold")?.[1]).toMatch(/, 5 packages$/);
      expect(byKey.get("cold")?.[3]).toMatch(/, 5 packages$/);
      expect(byKey.get("upgrade-first")?.[1]).toMatch(/, 1 changed$/);
      expect(byKey.get("upgrade-first")?.[3]).toMatch(/, 1 changed$/);
      expect(byKey.get("upgrade-one")?.[1]).toMatch(/, 1 changed$/);
      expect(byKey.get("upgrade-one")?.[3]).toMatch(/, 1 changed$/);
      expect(byKey.get("upgrade-noop")?.[1]).toMatch(/, 0 changed$/);
      expect(result.stdout).toMatch(/^- Machine: \d+ CPUs .* GiB RAM, Node v\d+/m);
      expect(result.stdout).toMatch(/^- Command: `bench\/run --quick --json /m);
    },
    15 * 60 * 1000,
  );
});

describe("bench/RESULTS.md section", () => {
  it("replaces only the Side by side section and keeps the others", async () => {
    const { replaceSection } = await import("../bench/runner/results-file.js");
    const before =
      "# Benchmark results\n\nintro\n\n## Import\n\nold import\n\n## Side by side\n\nold table\n\n## Later\n\nkept\n";
    const after = replaceSection(before, "new table");
    expect(after).toBe(
      "# Benchmark results\n\nintro\n\n## Import\n\nold import\n\n## Side by side\n\nnew table\n\n## Later\n\nkept\n",
    );
    expect(replaceSection("", "t")).toMatch(/^# Benchmark results\n[\s\S]*\n## Side by side\n\nt\n$/);
    expect(replaceSection("# R\n\n## Other\n\nx\n", "t")).toBe("# R\n\n## Other\n\nx\n\n## Side by side\n\nt\n");
  });
});
