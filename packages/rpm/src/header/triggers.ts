import type { FileTrigger, Trigger, TriggerCondition, TriggerKind } from "../types.js";
import { RpmSense } from "../version/sense.js";
import type { Header } from "./header.js";
import { headerCorrupt } from "./header-errors.js";
import { DEFAULT_INTERPRETER } from "./scriptlets.js";
import { numbersFor, stringsFor } from "./tag-arrays.js";
import { Tag, tagName } from "./tags.js";

/** The tags of one family of triggers (package triggers, file triggers, transaction file triggers). */
interface TriggerTags {
  name: number;
  version: number;
  flags: number;
  index: number;
  scripts: number;
  prog: number;
  scriptFlags: number;
  priorities?: number;
}

const PACKAGE_TRIGGERS: TriggerTags = {
  name: Tag.TRIGGERNAME,
  version: Tag.TRIGGERVERSION,
  flags: Tag.TRIGGERFLAGS,
  index: Tag.TRIGGERINDEX,
  scripts: Tag.TRIGGERSCRIPTS,
  prog: Tag.TRIGGERSCRIPTPROG,
  scriptFlags: Tag.TRIGGERSCRIPTFLAGS,
};

const FILE_TRIGGERS: TriggerTags = {
  name: Tag.FILETRIGGERNAME,
  version: Tag.FILETRIGGERVERSION,
  flags: Tag.FILETRIGGERFLAGS,
  index: Tag.FILETRIGGERINDEX,
  scripts: Tag.FILETRIGGERSCRIPTS,
  prog: Tag.FILETRIGGERSCRIPTPROG,
  scriptFlags: Tag.FILETRIGGERSCRIPTFLAGS,
  priorities: Tag.FILETRIGGERPRIORITIES,
};

const TRANS_FILE_TRIGGERS: TriggerTags = {
  name: Tag.TRANSFILETRIGGERNAME,
  version: Tag.TRANSFILETRIGGERVERSION,
  flags: Tag.TRANSFILETRIGGERFLAGS,
  index: Tag.TRANSFILETRIGGERINDEX,
  scripts: Tag.TRANSFILETRIGGERSCRIPTS,
  prog: Tag.TRANSFILETRIGGERSCRIPTPROG,
  scriptFlags: Tag.TRANSFILETRIGGERSCRIPTFLAGS,
  priorities: Tag.TRANSFILETRIGGERPRIORITIES,
};

/** Priority of a file trigger that does not state one (rpm's default). */
export const DEFAULT_FILE_TRIGGER_PRIORITY = 1000000;

/** The trigger kind from a condition's RPMSENSE bits, checked in rpm's order. */
function triggerKind(flags: number): TriggerKind | undefined {
  if (flags & RpmSense.TRIGGERPREIN) return "triggerprein";
  if (flags & RpmSense.TRIGGERIN) return "triggerin";
  if (flags & RpmSense.TRIGGERUN) return "triggerun";
  if (flags & RpmSense.TRIGGERPOSTUN) return "triggerpostun";
  return undefined;
}

interface ReadTrigger extends Trigger {
  priority: number;
}

function readTriggerFamily(header: Header, tags: TriggerTags): ReadTrigger[] {
  const names = header.getStrings(tags.name);
  const scripts = header.getStrings(tags.scripts);
  if (names === undefined || scripts === undefined) return [];
  const indexes = numbersFor(header, tags.index, names.length, "trigger conditions");
  if (indexes === undefined)
    throw headerCorrupt(header.subject, `${tagName(tags.name)} without ${tagName(tags.index)}`);
  const versions = stringsFor(header, tags.version, names.length, "trigger conditions");
  const flags = numbersFor(header, tags.flags, names.length, "trigger conditions");
  const progs = stringsFor(header, tags.prog, scripts.length, "trigger scripts");
  const scriptFlags = numbersFor(header, tags.scriptFlags, scripts.length, "trigger scripts");
  const priorities =
    tags.priorities === undefined ? undefined : numbersFor(header, tags.priorities, scripts.length, "trigger scripts");

  const conditions: TriggerCondition[][] = scripts.map(() => []);
  names.forEach((name, j) => {
    const index = indexes[j] as number;
    const list = conditions[index];
    if (list === undefined) {
      throw headerCorrupt(
        header.subject,
        `trigger condition ${j} (${name}) refers to script ${index}, but there are only ${scripts.length}`,
      );
    }
    list.push({ name, flags: flags?.[j] ?? 0, evr: versions?.[j] ?? "" });
  });

  const out: ReadTrigger[] = [];
  scripts.forEach((body, i) => {
    const conds = conditions[i] as TriggerCondition[];
    // Like rpm's TRIGGERTYPE, the kind comes from the first condition; a script without one never fires.
    const kind = conds[0] === undefined ? undefined : triggerKind(conds[0].flags);
    if (kind === undefined) return;
    const prog = progs?.[i];
    out.push({
      kind,
      interpreter: [prog !== undefined && prog !== "" ? prog : DEFAULT_INTERPRETER],
      body,
      flags: scriptFlags?.[i] ?? 0,
      conditions: conds,
      priority: priorities?.[i] ?? DEFAULT_FILE_TRIGGER_PRIORITY,
    });
  });
  return out;
}

/** The package triggers (`%triggerin -- foo` ...) of a main header, in script order. */
export function readTriggers(header: Header): Trigger[] {
  return readTriggerFamily(header, PACKAGE_TRIGGERS).map(({ priority: _priority, ...trigger }) => trigger);
}

/** The file triggers, per-file ones first, then the transaction ones, each in script order. */
export function readFileTriggers(header: Header): FileTrigger[] {
  return [
    ...readTriggerFamily(header, FILE_TRIGGERS).map((t) => ({ ...t, transaction: false })),
    ...readTriggerFamily(header, TRANS_FILE_TRIGGERS).map((t) => ({ ...t, transaction: true })),
  ];
}
