import { GroveError } from "../errors.js";

/** Any JSON value (what commit metadata may hold). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/**
 * Compares two strings by the byte order of their UTF-8 encodings (equivalently, by code point),
 * which is the order canonical JSON keys and commit entry paths are sorted in.
 * Returns a negative number, 0 or a positive number like `Array.prototype.sort` expects.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF, which sort after every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}

/**
 * Encodes a JSON value canonically: object keys sorted by {@link compareUtf8}, no whitespace,
 * keys whose value is `undefined` omitted, numbers as `JSON.stringify` writes them.
 * Throws `STORE_BAD_JSON` for values JSON cannot carry exactly (non-finite numbers, `undefined`
 * in arrays, bigint, functions, symbols, non-plain objects such as Date or Uint8Array).
 * @param value - the value to encode
 * @param where - a label for error messages (e.g. `commit metadata`)
 */
export function encodeCanonicalJson(value: unknown, where = "value"): string {
  const parts: string[] = [];
  write(value, { root: where, keys: [] }, parts);
  return parts.join("");
}

/**
 * Where in the value the encoder is: the label and the keys and indexes down to the current value. Kept as a
 * stack and spelled out only for an error message, so that encoding a valid value builds no path strings.
 */
interface Where {
  root: string;
  keys: (string | number)[];
}

function describe(where: Where): string {
  let text = where.root;
  for (const key of where.keys) text += typeof key === "number" ? `[${key}]` : `.${key}`;
  return text;
}

function write(value: unknown, where: Where, out: string[]): void {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "number":
      if (!Number.isFinite(value)) throw bad(describe(where), `the number ${value} cannot be written as JSON`);
      out.push(JSON.stringify(value));
      return;
    case "object":
      if (value === null) {
        out.push("null");
        return;
      }
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          const item: unknown = value[i];
          where.keys.push(i);
          if (item === undefined) throw bad(describe(where), "undefined is not a JSON value");
          write(item, where, out);
          where.keys.pop();
        }
        out.push("]");
        return;
      }
      {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw bad(
            describe(where),
            `a ${(value as object).constructor?.name ?? "non-plain"} object is not a JSON value`,
          );
        }
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record)
          .filter((k) => record[k] !== undefined)
          .sort(compareUtf8);
        out.push("{");
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string;
          if (i > 0) out.push(",");
          out.push(JSON.stringify(key), ":");
          where.keys.push(key);
          write(record[key], where, out);
          where.keys.pop();
        }
        out.push("}");
      }
      return;
    default:
      throw bad(describe(where), `a ${typeof value} is not a JSON value`);
  }
}

function bad(where: string, what: string): GroveError {
  return new GroveError("STORE_BAD_JSON", `${where}: ${what}`, { subject: where });
}
