import type { Scriptlet, ScriptletKind } from "../types.js";
import type { Header } from "./header.js";
import { Tag } from "./tags.js";

/** The body, interpreter and flags tags of one scriptlet kind. */
interface ScriptletTags {
  kind: ScriptletKind;
  body: number;
  prog: number;
  flags: number;
}

/** Scriptlet kinds in the order rpm's `--scripts` query prints them. */
const SCRIPTLET_TAGS: readonly ScriptletTags[] = [
  { kind: "pretrans", body: Tag.PRETRANS, prog: Tag.PRETRANSPROG, flags: Tag.PRETRANSFLAGS },
  { kind: "pre", body: Tag.PREIN, prog: Tag.PREINPROG, flags: Tag.PREINFLAGS },
  { kind: "post", body: Tag.POSTIN, prog: Tag.POSTINPROG, flags: Tag.POSTINFLAGS },
  { kind: "preun", body: Tag.PREUN, prog: Tag.PREUNPROG, flags: Tag.PREUNFLAGS },
  { kind: "postun", body: Tag.POSTUN, prog: Tag.POSTUNPROG, flags: Tag.POSTUNFLAGS },
  { kind: "posttrans", body: Tag.POSTTRANS, prog: Tag.POSTTRANSPROG, flags: Tag.POSTTRANSFLAGS },
  { kind: "preuntrans", body: Tag.PREUNTRANS, prog: Tag.PREUNTRANSPROG, flags: Tag.PREUNTRANSFLAGS },
  { kind: "postuntrans", body: Tag.POSTUNTRANS, prog: Tag.POSTUNTRANSPROG, flags: Tag.POSTUNTRANSFLAGS },
  { kind: "verify", body: Tag.VERIFYSCRIPT, prog: Tag.VERIFYSCRIPTPROG, flags: Tag.VERIFYSCRIPTFLAGS },
];

/** The shell rpm runs a scriptlet body with when the header names no interpreter. */
export const DEFAULT_INTERPRETER = "/bin/sh";

/**
 * The install/erase scriptlets of a main header. A scriptlet exists when its body or its interpreter tag is
 * present; the interpreter tag may be a STRING (old packages) or a STRING_ARRAY (interpreter plus arguments).
 */
export function readScriptlets(header: Header): Scriptlet[] {
  const out: Scriptlet[] = [];
  for (const tags of SCRIPTLET_TAGS) {
    const body = header.getString(tags.body);
    const prog = header.getStrings(tags.prog);
    if (body === undefined && prog === undefined) continue;
    out.push({
      kind: tags.kind,
      interpreter: prog !== undefined && prog.length > 0 ? prog : [DEFAULT_INTERPRETER],
      body: body ?? "",
      flags: header.getNumber(tags.flags) ?? 0,
    });
  }
  return out;
}
