import { initStore } from "@grove/core";
import { importRpm, parseHeaderBlob, Tag } from "@grove/rpm";
import { readCommitsForCheckout } from "@grove/checkout";
import { latin1NamesOf } from "./dist/plan/latin1-names.js";
import { readFileSync, rmSync } from "node:fs";
rmSync("/tmp/cko/l1", { recursive: true, force: true });
const store = await initStore("/tmp/cko/l1");
const r = await importRpm(store, "/work/shared/fixtures/real-rpms/rpmlint/non-utf8-1.0-1.el5.centos.x86_64.rpm");
const [commit] = readCommitsForCheckout(store, [r.commitId]);
console.log(commit.entries.map(e => [e.path, e.type, e.flags]), commit.metadata.header);
const id = commit.metadata.header;
const bytes = readFileSync(`/tmp/cko/l1/objects/${id.slice(0, 2)}/${id}`);
try { const h = parseHeaderBlob(new Uint8Array(bytes), { subject: "x", kind: "header" }); console.log(h.getRawStrings(Tag.BASENAMES)); } catch (e) { console.log("ERR", e.message); }
console.log(latin1NamesOf("/tmp/cko/l1", { id: r.commitId, commit, label: "x" }));
