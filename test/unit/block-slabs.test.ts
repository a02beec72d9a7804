import { describe, expect, it } from 'vitest';
import { BlockSlabs } from '../../src/adapters/postgres/block-slabs.ts';

describe('BlockSlabs (memory for numbered records, used again once PostgreSQL has it)', () => {
  it('uses a slab again once every block written from it has committed, and never overwrites bytes before', () => {
    const slabs = new BlockSlabs(100);
    const first = slabs.allocate(60);
    first.fill(1);
    slabs.writtenTo(0);
    slabs.writtenTo(1);
    // Too little room left: another slab, the first one held for blocks 0 and 1.
    const second = slabs.allocate(60);
    second.fill(2);
    slabs.writtenTo(1);
    // Block 0 committed, but the first slab also fed block 1.
    slabs.committed(1);
    const third = slabs.allocate(60);
    third.fill(3);
    expect([first.buffer, second.buffer]).not.toContain(third.buffer);
    expect([first.every((byte) => byte === 1), second.every((byte) => byte === 2)]).toEqual([true, true]);
    slabs.writtenTo(2);
    // Blocks 0 and 1 committed: the first two slabs are free, the third still feeds block 2.
    slabs.committed(2);
    const reused = [slabs.allocate(60).buffer, slabs.allocate(60).buffer];
    // The very same memory (toContain compares with ===), not equal-looking bytes.
    expect(reused).toContain(first.buffer);
    expect(reused).toContain(second.buffer);
    expect(reused).not.toContain(third.buffer);
  });

  it('gives a chunk larger than a slab memory of its own and does not keep it', () => {
    const slabs = new BlockSlabs(100);
    const large = slabs.allocate(250);
    expect(large.byteLength).toBe(250);
    slabs.writtenTo(0);
    slabs.allocate(10);
    slabs.committed(1);
    expect(slabs.allocate(95).buffer).not.toBe(large.buffer);
  });
});
