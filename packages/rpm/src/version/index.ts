/**
 * rpm's version rules: `rpmvercmp`, EVR parsing and ordering, dependency range overlap, dependency text and rich
 * (boolean) dependencies.
 * @packageDocumentation
 */
export { compareEVR, compareParsedEVR, type EVR, formatEVR, parseEVR } from "./evr.js";
export { formatDependency } from "./format-dependency.js";
export { parsedRangesOverlap, rangesOverlap, type VersionRange } from "./overlap.js";
export { formatRichDep } from "./rich-dep-format.js";
export { isRichDep, MAX_RICH_DEP_DEPTH, type ParseRichDepOptions, parseRichDep } from "./rich-dep-parse.js";
export type {
  RichBinary,
  RichChain,
  RichConditional,
  RichDep,
  RichOperand,
  RichOperator,
  RichSimpleDep,
  RichSingle,
} from "./rich-dep-types.js";
export { type Comparison, rpmvercmp } from "./rpmvercmp.js";
export { formatSenseOperator, parseSenseOperator, RpmSense } from "./sense.js";
