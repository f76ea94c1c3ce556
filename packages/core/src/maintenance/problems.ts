/** The kinds of damage {@link fsck} reports. */
export type FsckProblemKind =
  | "store-json"
  | "unknown-file"
  | "object-name"
  | "object-type"
  | "object-mode"
  | "object-corrupt"
  | "object-unreadable"
  | "commit-name"
  | "commit-corrupt"
  | "commit-missing-object"
  | "commit-missing-reference"
  | "ref-invalid"
  | "ref-missing-commit"
  | "index-invalid"
  | "index-missing-commit";

/** One thing wrong with the store. */
export interface FsckProblem {
  /** What kind of damage. */
  kind: FsckProblemKind;
  /** The damaged item: a path relative to the grove directory (e.g. `objects/ab/ab12….0644`) or a ref name. */
  subject: string;
  /** What is wrong, in words. */
  message: string;
}
