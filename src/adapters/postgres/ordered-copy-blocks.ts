import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { cancelCopy } from './cancel-copy.js';

type CopyStream = ReturnType<typeof copyFrom>;

/** One block of records: its own transaction with its own COPY, on one of the connections. */
interface Block {
  client: PoolClient;
  copy: CopyStream;
  /** Settles once the block is committed (with the rows committed by then) or rolled back. */
  committed: Promise<number>;
}

/**
 * COPY over several connections at once, committed in order. The caller
 * cuts the records into blocks at record boundaries; block i goes to
 * connection i mod n, so n PostgreSQL backends parse at once (each COPY is
 * bound by one backend's CPU). Each block is one transaction and commits
 * only after the block before it committed, together with the resource's
 * checkpoint (`checkpoint(client, rowsCommitted)`): what is committed is
 * always the file's first records, and a resumed load skips exactly those.
 * A block whose predecessor failed is rolled back, never committed.
 *
 * The commits do not wait for the WAL flush (`synchronous_commit = off`): a
 * PostgreSQL crash may lose the last blocks, but each block's rows and its
 * checkpoint are one transaction, so they are lost together and the retry
 * loads them again.
 */
export class OrderedCopyBlocks {
  private readonly busy = new Map<PoolClient, Promise<unknown>>();
  private current: Block | undefined;
  private last: Promise<number>;
  private blocks = 0;
  private committedSoFar: number;
  private committedCount = 0;
  /**
   * How much a connection may hold unsent before the writer waits for it: a
   * block and a half, so a whole block is handed over while PostgreSQL still
   * parses the one before it on another connection.
   */
  private readonly maxUnsentBytes: number;
  /** The first error of any block (a refused value, a lost connection). */
  error: Error | undefined;

  constructor(
    private readonly clients: PoolClient[],
    private readonly copySql: string,
    /** Rows already committed before the first block (a resumed load). */
    committedBefore: number,
    /** About how many bytes a block holds (the caller cuts them). */
    blockBytes: number,
    private readonly checkpoint: (client: PoolClient, rowsCommitted: number) => Promise<void>,
    private readonly onCommitted: (rowsCommitted: number) => void,
  ) {
    this.last = Promise.resolve(committedBefore);
    this.committedSoFar = committedBefore;
    this.maxUnsentBytes = Math.ceil(blockBytes * 1.5);
  }

  /** Bytes of whole records (or the start of one, finished by the next write) into the open block. */
  async write(bytes: Uint8Array): Promise<void> {
    if (!bytes.byteLength) return;
    if (this.error) throw this.error;
    const block = this.current ?? (this.current = await this.open());
    // Unsent bytes wait in the stream only up to a bound (memory stays flat); past it, the writer waits for PostgreSQL.
    if (!block.copy.write(bytes) && block.copy.writableLength > this.maxUnsentBytes) await once(block.copy, 'drain');
  }

  /** Blocks committed so far: they commit in order, so these are the first ones. */
  get committedBlocks(): number {
    return this.committedCount;
  }

  /** The open block's number (counted from 0), or the last one's when none is open. */
  get blockNumber(): number {
    return this.blocks - 1;
  }

  /** Ends the open block (at a record boundary): it commits after the one before it, while the next one is written. */
  endBlock(): void {
    const block = this.current;
    if (!block) return;
    this.current = undefined;
    block.copy.end();
  }

  /** Ends the last block and waits for every commit: the rows committed in all. Throws the first error. */
  async finish(): Promise<number> {
    this.endBlock();
    const committed = await this.last;
    if (this.error) throw this.error;
    return committed;
  }

  /**
   * After an error: every open COPY is cancelled and every open transaction
   * rolled back. Returns the rows committed before the first failed block.
   */
  async abort(reason: Error): Promise<number> {
    const open = this.current;
    this.current = undefined;
    this.error ??= reason;
    // Its block then rolls back, as those after a failed one do.
    if (open) await cancelCopy(open.copy, reason);
    await Promise.allSettled([...this.busy.values()]);
    return this.committedSoFar;
  }

  /** Opens the next block on its connection, once that connection's previous block has ended. */
  private async open(): Promise<Block> {
    const client = this.clients[this.blocks % this.clients.length] as PoolClient;
    this.blocks += 1;
    await this.busy.get(client);
    if (this.error) throw this.error;
    let copy: CopyStream;
    try {
      await client.query('begin');
      // Dates in the ISO order only: a day-first or month-first date is not guessed (it fails, and the casting path says so).
      await client.query("set local datestyle = 'ISO, YMD'; set local synchronous_commit = off");
      copy = client.query(copyFrom(this.copySql));
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
    copy.on('error', (error: Error) => (this.error ??= error));
    const before = this.last;
    const committed = (async () => {
      try {
        await finished(copy);
        const rowsBefore = await before;
        const rows = rowsBefore + copy.rowCount;
        await this.checkpoint(client, rows);
        this.committedSoFar = rows;
        this.committedCount += 1;
        this.onCommitted(rows);
        return rows;
      } catch (error) {
        this.error ??= error as Error;
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    })();
    // Observed here; the caller sees the error through `error`, finish() or abort().
    committed.catch(() => undefined);
    this.last = committed;
    this.busy.set(client, committed.catch(() => undefined));
    return { client, copy, committed };
  }
}
