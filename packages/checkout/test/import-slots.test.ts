/**
 * ImportSlots: imports run `concurrency` at a time, large packages one at a time, small ones alongside, and a
 * waiting large one first once the large slot is free.
 */
import { describe, expect, it } from "vitest";
import { ImportSlots, LARGE_PAYLOAD_BYTES } from "../src/assemble/import-slots.js";

/** Runs tasks of the given sizes through the slots and records which ran at the same time. */
async function schedule(concurrency: number, sizes: readonly number[]) {
  const slots = new ImportSlots(concurrency);
  const running = new Set<number>();
  let peak = 0;
  let peakLarge = 0;
  const order: number[] = [];
  await Promise.all(
    sizes.map((size, i) =>
      slots.run(size, async () => {
        running.add(i);
        order.push(i);
        peak = Math.max(peak, running.size);
        peakLarge = Math.max(peakLarge, [...running].filter((j) => sizes[j]! >= LARGE_PAYLOAD_BYTES).length);
        await new Promise((resolve) => setTimeout(resolve, 5 + (i % 3)));
        running.delete(i);
        return i;
      }),
    ),
  );
  return { peak, peakLarge, order };
}

describe("ImportSlots", () => {
  const large = LARGE_PAYLOAD_BYTES;
  const small = 1 << 20;

  it("never runs two large imports at once, and fills the other slot with small ones", async () => {
    const result = await schedule(2, [large, large, small, large, small, small, large * 4, small]);
    expect(result.peakLarge).toBe(1);
    expect(result.peak).toBe(2);
    expect([...result.order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The second large one waits: the small one behind it starts first, alongside the first large one.
    expect(result.order.indexOf(2)).toBeLessThan(result.order.indexOf(1));
  });

  it("runs small imports up to the concurrency", async () => {
    const result = await schedule(3, [small, small, small, small, small, small]);
    expect(result.peak).toBe(3);
    expect(result.peakLarge).toBe(0);
  });

  it("with one slot, runs everything one at a time, in order", async () => {
    const result = await schedule(1, [large, small, large, small]);
    expect(result.peak).toBe(1);
    expect(result.order).toEqual([0, 1, 2, 3]);
  });

  it("starts a waiting large import as soon as the large slot is free, before the small ones behind it", async () => {
    // 0 runs until 3 starts; 1 waits for the large slot while 2 and 3 pass it; when 0 ends, 1 goes before 4.
    const sizes = [large, large, small, small, small, small, small, small];
    const slots = new ImportSlots(2);
    const order: number[] = [];
    let endFirst: () => void = () => {};
    const firstEnds = new Promise<void>((resolve) => {
      endFirst = resolve;
    });
    const all = sizes.map((size, i) =>
      slots.run(size, async () => {
        order.push(i);
        if (i === 3) endFirst();
        if (i === 0) await firstEnds;
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }),
    );
    await Promise.all(all);
    expect(order).toEqual([0, 2, 3, 1, 4, 5, 6, 7]);
  });
});
