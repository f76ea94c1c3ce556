import type { RpmFile } from "../types.js";
import type { PayloadEntry } from "./payload-entry.js";

/** What a member of a hard-link set is, in payload order. */
export type LinkMemberRole =
  /** Carries the set's data, the first to do so: emit it as a `file` entry. */
  | "data"
  /** Carries the data again (a writer that stores it more than once): verify it, emit a link. */
  | "extra-data"
  /** No data, the data was already emitted: emit a link now. */
  | "link"
  /** No data yet: emit a link once the data comes. */
  | "waiting";

interface SetState {
  /** File index of the member whose `file` entry holds the data. */
  holder: number | undefined;
  /** Members seen before the data. */
  waiting: number[];
}

/**
 * Bookkeeping for hard-link sets while a payload streams: rpm stores a set's data once (after its last
 * member); grove emits one `file` entry with it and `hardlink` entries pointing there for the other names,
 * holding back the names that come before the data.
 */
export class HardLinkTracker {
  private readonly states = new Map<readonly number[], SetState>();

  /**
   * @param files - the header's files
   * @param checkSameDigest - throws when two members of a set have different header digests
   */
  constructor(
    private readonly files: readonly RpmFile[],
    private readonly checkSameDigest: (member: RpmFile, holder: RpmFile) => void,
  ) {}

  private stateOf(set: readonly number[]): SetState {
    let state = this.states.get(set);
    if (state === undefined) {
      state = { holder: undefined, waiting: [] };
      this.states.set(set, state);
    }
    return state;
  }

  /**
   * Classifies the member `index` of `set`; a `waiting` member is remembered.
   * @param carriesData - the member has the set's data in the payload (or the set's files are empty)
   */
  classify(set: readonly number[], index: number, carriesData: boolean): LinkMemberRole {
    const state = this.stateOf(set);
    if (!carriesData) {
      if (state.holder !== undefined) return "link";
      state.waiting.push(index);
      return "waiting";
    }
    return state.holder === undefined ? "data" : "extra-data";
  }

  /** Records that `index`'s `file` entry holds the set's data; returns the links held back until now. */
  dataEmitted(set: readonly number[], index: number): PayloadEntry[] {
    const state = this.stateOf(set);
    state.holder = index;
    return state.waiting.splice(0).map((member) => this.linkEntry(set, member));
  }

  /** The `hardlink` entry of member `index`, pointing at the set's data. */
  linkEntry(set: readonly number[], index: number): PayloadEntry {
    const holder = this.files[this.stateOf(set).holder as number] as RpmFile;
    const member = this.files[index] as RpmFile;
    this.checkSameDigest(member, holder);
    return { type: "hardlink", file: member, target: holder.path };
  }

  /** Members of sets whose data never came. */
  unresolved(): RpmFile[][] {
    return [...this.states.values()]
      .filter((state) => state.holder === undefined && state.waiting.length > 0)
      .map((state) => state.waiting.map((i) => this.files[i] as RpmFile));
  }
}
