/** A growable array of 32-bit signed integers backed by an `Int32Array`. */
export class Int32Vector {
  private data: Int32Array;
  /** Number of values pushed. */
  length = 0;

  /** @param capacity - initial capacity */
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  /** Append `value`. */
  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The values pushed, as an exactly-sized `Int32Array` (a copy). */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }

  private grow(): void {
    const next = new Int32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** A growable array of 32-bit unsigned integers backed by a `Uint32Array`. */
export class Uint32Vector {
  private data: Uint32Array;
  /** Number of values pushed. */
  length = 0;

  /** @param capacity - initial capacity */
  constructor(capacity = 1024) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }

  /** Append `value`. */
  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The values pushed, as an exactly-sized `Uint32Array` (a copy). */
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }

  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** A growable array of doubles backed by a `Float64Array`. */
export class Float64Vector {
  private data: Float64Array;
  /** Number of values pushed. */
  length = 0;

  /** @param capacity - initial capacity */
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  /** Append `value`. */
  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The values pushed, as an exactly-sized `Float64Array` (a copy). */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** A growable array of bytes backed by a `Uint8Array`. */
export class Uint8Vector {
  private data: Uint8Array;
  /** Number of values pushed. */
  length = 0;

  /** @param capacity - initial capacity */
  constructor(capacity = 1024) {
    this.data = new Uint8Array(Math.max(16, capacity));
  }

  /** Append `value`. */
  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** The values pushed, as an exactly-sized `Uint8Array` (a copy). */
  toArray(): Uint8Array {
    return this.data.slice(0, this.length);
  }

  private grow(): void {
    const next = new Uint8Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}
