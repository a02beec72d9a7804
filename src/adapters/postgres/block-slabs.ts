/**
 * Memory for numbered records (RecordNumberer) that is used again once
 * PostgreSQL has read it. Each numbered chunk is a copy of the file's bytes;
 * left to the garbage collector, those copies piled up until V8 noticed the
 * memory outside its heap (worker peak at 10M rows 1.21× the 100k figure,
 * 1.00× without numbering). Slabs are handed out in file order, and the
 * blocks written from them commit in file order (OrderedCopyBlocks), so a
 * slab is free again once the last block written from it has committed:
 * PostgreSQL has read every byte of it by then. Memory then stays at the
 * bytes of the blocks in flight.
 */
export class BlockSlabs {
  private readonly free: Uint8Array[] = [];
  /** Slabs handed out, oldest first, each with the last block written from it. */
  private readonly held: { slab: Uint8Array; lastBlock: number }[] = [];
  private current: { slab: Uint8Array; used: number; lastBlock: number } | undefined;

  constructor(private readonly slabBytes = 1024 * 1024) {}

  /** `size` bytes from the current slab, or from another one when it has too little room left. */
  allocate(size: number): Uint8Array {
    let current = this.current;
    if (!current || current.slab.length - current.used < size) {
      if (current) this.held.push(current);
      // A chunk larger than a slab gets memory of its own, not kept for reuse.
      const slab = size > this.slabBytes ? new Uint8Array(size) : (this.free.pop() ?? new Uint8Array(this.slabBytes));
      current = this.current = { slab, used: 0, lastBlock: -1 };
    }
    const bytes = current.slab.subarray(current.used, current.used + size);
    current.used += size;
    return bytes;
  }

  /** Bytes last allocated went into block `block` (counted from 0). */
  writtenTo(block: number): void {
    if (this.current) this.current.lastBlock = Math.max(this.current.lastBlock, block);
  }

  /** The first `blocks` blocks have committed: the slabs written only into them can be used again. */
  committed(blocks: number): void {
    while (this.held.length > 0 && (this.held[0]?.lastBlock ?? 0) < blocks) {
      const { slab } = this.held.shift() as { slab: Uint8Array };
      if (slab.length === this.slabBytes) this.free.push(slab);
    }
  }
}
