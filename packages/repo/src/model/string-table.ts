/**
 * Interned strings addressed by small integer ids. Id 0 is always the empty string.
 * Package records store ids instead of strings, so equal strings (dependency names, versions,
 * architectures) are kept once, and comparing two names is comparing two numbers.
 */
export class StringTable {
  /** The strings by id. */
  readonly strings: string[];
  private index: Map<string, number> | undefined;

  /**
   * @param strings - initial strings by id; `strings[0]` must be `""` (added when the array is empty)
   */
  constructor(strings: string[] = [""]) {
    if (strings.length === 0) strings.push("");
    this.strings = strings;
  }

  /** Number of strings (ids run from 0 to `size - 1`). */
  get size(): number {
    return this.strings.length;
  }

  /**
   * The string with id `id`.
   *
   * @param id - a string id from this table
   */
  get(id: number): string {
    return this.strings[id] ?? "";
  }

  /**
   * The id of `text`, adding it when new.
   *
   * @param text - the string to intern
   */
  intern(text: string): number {
    const index = this.map();
    let id = index.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      index.set(text, id);
    }
    return id;
  }

  /**
   * The id of `text`, or `undefined` when the table does not hold it (never adds).
   *
   * @param text - the string to look up
   */
  lookup(text: string): number | undefined {
    return this.map().get(text);
  }

  private map(): Map<string, number> {
    if (this.index === undefined) {
      const index = new Map<string, number>();
      for (let i = 0; i < this.strings.length; i++) {
        const s = this.strings[i] as string;
        if (!index.has(s)) index.set(s, i);
      }
      this.index = index;
    }
    return this.index;
  }
}
