// Runs grove checkout steps in a child process, so tests can run them as an unprivileged user
// (`setpriv --reuid=65534 ...` when the test runs as root) or kill them midway.
// Usage: node checkout-child.mjs < request.json where the request is { store, steps: [{ op, ...args }] }.
// Prints one JSON line: the results of the steps (a failed step ends the run with { error }).
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import {
  assembleRoot,
  checkoutCommits,
  listRoots,
  pruneGenerations,
  readCommitsForCheckout,
  removeRoot,
  rollbackRoot,
} from "@grove/checkout";
import { gc, importEntries, initStore, openStore } from "@grove/core";
import { importRpm } from "@grove/rpm";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const store = await initStore(request.store).catch(() => openStore(request.store));
const results = [];

const ops = {
  /** Imports synthetic packages: [{ label, entries: [{ path, type, mode, content?, linkTo?, flags?, user?, group? }] }]. */
  async importEntries({ packages }) {
    const out = [];
    for (const p of packages) {
      const entries = p.entries.map((e) => ({
        uid: 0,
        gid: 0,
        ...e,
        ...(e.content === undefined ? {} : { content: Buffer.from(e.content, "utf8") }),
      }));
      const r = await importEntries(store, entries, { metadata: { kind: "test", label: p.label } });
      out.push({ commitId: r.commitId, nevra: p.label, sha256: r.commitId });
    }
    return out;
  },
  /** Imports RPM files: returns [{ commitId, nevra, sha256 }]. */
  async importRpms({ files, tolerant }) {
    const out = [];
    for (const file of files) {
      try {
        const r = await importRpm(store, file);
        out.push({ commitId: r.commitId, nevra: r.nevra, sha256: r.sha256, file });
      } catch (err) {
        if (!tolerant) throw err;
        out.push({ file, error: err.code ?? err.message });
      }
    }
    return out;
  },
  /** checkoutCommits of the given packages into dest. */
  async checkout({ packages, dest, layout }) {
    const commits = readCommitsForCheckout(
      store,
      packages.map((p) => p.commitId),
    ).map((commit, i) => ({ id: packages[i].commitId, commit, label: packages[i].nevra }));
    const r = checkoutCommits(store, commits, dest, layout === undefined ? {} : { layout });
    return { stats: r.stats, warnings: r.warnings, manifest: r.manifest };
  },
  async assemble({ name, packages, rpmdb, request: req, announce }) {
    const phases = {};
    const cpu0 = process.cpuUsage();
    const r = await assembleRoot(store, {
      name,
      packages,
      rpmdb: rpmdb ?? false,
      request: req ?? null,
      onPhase: (phase) => {
        phases[phase] = Date.now();
        if (announce) process.stderr.write(`phase ${phase}\n`);
      },
    });
    const cpu = process.cpuUsage(cpu0);
    return {
      cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000 },
      elapsedMs: r.elapsedMs,
      phases,
      generation: r.generation,
      path: r.path,
      previous: r.previous,
      merge: r.merge === undefined ? null : { etc: strip(r.merge.etc), var: strip(r.merge.var) },
      stats: r.stats,
      recipe: r.recipe,
      warnings: r.warnings,
      timings: r.timings,
      finished: Date.now(),
    };
  },
  async rollback({ name, to }) {
    return rollbackRoot(store, name, to === undefined ? {} : { to });
  },
  async list() {
    return listRoots(store).map((r) => ({
      name: r.name,
      current: r.current,
      generations: r.generations.map((g) => ({
        generation: g.generation,
        complete: g.complete,
        current: g.current,
        packages: g.state?.packages.map((p) => p.nevra),
      })),
    }));
  },
  async prune({ name, keep }) {
    return pruneGenerations(store, {
      ...(name === undefined ? {} : { name }),
      ...(keep === undefined ? {} : { keep }),
    });
  },
  async remove({ name }) {
    return removeRoot(store, name);
  },
  async gc() {
    return gc(store);
  },
  /** Reads the raw bytes of a generation's manifest and defaults files. */
  async records({ name, generation }) {
    const dir = `${request.store}/state/roots/${name}`;
    return {
      manifest: readFileSync(`${dir}/${generation}.manifest.json`, "utf8"),
      defaults: readFileSync(`${dir}/${generation}.defaults.json`, "utf8"),
    };
  },
  async write({ path, content, mode }) {
    writeFileSync(path, content);
    if (mode !== undefined) chmodSync(path, mode);
    return null;
  },
  async mkdir({ path, mode }) {
    mkdirSync(path, { recursive: true });
    if (mode !== undefined) chmodSync(path, mode);
    return null;
  },
  async symlink({ target, path }) {
    symlinkSync(target, path);
    return null;
  },
  async unlink({ path }) {
    unlinkSync(path);
    return null;
  },
  async rm({ path }) {
    rmSync(path, { recursive: true, force: true });
    return null;
  },
  async chmod({ path, mode }) {
    chmodSync(path, mode);
    return null;
  },
  async read({ path }) {
    return readFileSync(path, "utf8");
  },
  async whoami() {
    return { uid: process.getuid(), gid: process.getgid() };
  },
};

function strip(report) {
  const { dirModes: _dirModes, ...rest } = report;
  return rest;
}

for (const step of request.steps) {
  const fn = ops[step.op];
  try {
    if (fn === undefined) throw new Error(`unknown op ${step.op}`);
    results.push({ ok: await fn(step) });
  } catch (err) {
    results.push({ error: { code: err.code ?? "INTERNAL", message: err.message, stack: err.stack } });
    break;
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
