import pg from 'pg';
import type { Logger } from '../../logger.js';
import type { RevocationStore } from '../../ports/revocation-store.js';

/** The channel a revocation is announced on; its payload is `<expiry, ms since epoch> <token id>`. */
const channel = 'conductor_revocations';
/** Retry of a lost listening connection: 1 s doubling to 30 s. */
const reconnectDelaysMs = { first: 1000, max: 30_000 };

/**
 * Revocations in memory, kept current across server processes by
 * PostgreSQL's LISTEN/NOTIFY, so checking a user token costs no database
 * round trip (it was one of two per user-token call; see bench:gateway).
 *
 * - start: LISTEN first, then load every unexpired revocation (a revocation
 *   made in between arrives as a notification, so none is missed);
 * - revoke: stored in the table (the source of truth), announced with
 *   pg_notify in the same statement's transaction, and added here at once;
 * - while the listening connection is down (or before the first load),
 *   every check asks the table, as before: slower, never wrong. Other
 *   processes see a revocation when PostgreSQL delivers the notification
 *   (on commit; milliseconds on one host).
 */
export class RevocationMirror implements RevocationStore {
  private readonly revoked = new Map<string, number>();
  private listening = false;
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = reconnectDelaysMs.first;
  private nextSweep = 0;
  /** Our own announcements not yet heard back (see announce). */
  private readonly awaitingEcho = new Map<string, () => void>();

  constructor(
    private readonly table: RevocationStore,
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Connects the listener; the store works (from the table) even if this fails. */
  async start(): Promise<void> {
    await this.listen().catch((error: unknown) => this.lost(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    await this.client?.end().catch(() => undefined);
  }

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    await this.table.revoke(jti, expiresAt);
    this.revoked.set(jti, expiresAt.getTime());
    // Announced after the row is committed: a process that hears it and then asks the table finds it.
    await this.announce(`${expiresAt.getTime()} ${jti}`);
  }

  async isRevoked(jti: string): Promise<boolean> {
    if (!this.listening) return this.table.isRevoked(jti);
    this.sweep();
    return this.revoked.has(jti);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'conductor-revocations' });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      const [expiresMs, jti] = message.payload.split(' ');
      if (jti) this.revoked.set(jti, Number(expiresMs) || Number.POSITIVE_INFINITY);
      this.awaitingEcho.get(message.payload)?.();
    });
    client.on('error', (error) => this.lost(error));
    client.on('end', () => this.lost(new Error('connection ended')));
    await client.connect();
    await client.query(`listen ${channel}`);
    const { rows } = await client.query<{ jti: string; expires_ms: string }>(
      'select jti, (extract(epoch from expires_at) * 1000)::bigint as expires_ms from revoked_tokens where expires_at > now()',
    );
    for (const row of rows) this.revoked.set(row.jti, Number(row.expires_ms));
    this.listening = true;
    this.retryMs = reconnectDelaysMs.first;
    this.logger.debug({ revocations: rows.length }, 'revocations mirrored');
  }

  /**
   * Through the listening connection, or a connection of its own while that
   * one is down. A logout answers once its own notification has come back:
   * PostgreSQL sends it to every listener on commit, so by the time the
   * client can use the token again the other processes have been sent it
   * too (the wait is at most a second).
   */
  private async announce(payload: string): Promise<void> {
    if (this.listening && this.client) {
      const heard = new Promise<void>((done) => {
        const timer = setTimeout(done, 1000);
        this.awaitingEcho.set(payload, () => {
          clearTimeout(timer);
          done();
        });
      });
      try {
        await this.client.query('select pg_notify($1, $2)', [channel, payload]);
        await heard;
      } finally {
        this.awaitingEcho.delete(payload);
      }
      return;
    }
    const client = new pg.Client({ connectionString: this.databaseUrl });
    try {
      await client.connect();
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The listener is gone: fall back to the table and reconnect (once per loss). */
  private lost(error: unknown): void {
    if (this.stopped || this.client === undefined) return;
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    void client.end().catch(() => undefined);
    this.logger.warn({ err: error, retry_ms: this.retryMs }, 'revocation listener lost; checking revocations in PostgreSQL until it is back');
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, reconnectDelaysMs.max);
    setTimeout(() => {
      if (!this.stopped) void this.listen().catch((reason: unknown) => this.lost(reason));
    }, delay).unref();
  }

  /** Forgets revocations of tokens that have expired anyway (at most once a minute). */
  private sweep(): void {
    const now = Date.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + 60_000;
    for (const [jti, expiresMs] of this.revoked) if (expiresMs <= now) this.revoked.delete(jti);
  }
}
