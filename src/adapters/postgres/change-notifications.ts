import pg from 'pg';
import type { Logger } from '../../logger.js';

/** Retry of a lost listening connection: 1 s doubling to 30 s. */
const reconnectDelaysMs = { first: 1000, max: 30_000 };

/** What a subscriber to one channel does. */
export interface ChangeSubscriber {
  /** Called after every (re)connection, once LISTEN is in place: reload what may have changed while not listening. */
  reload(): Promise<void>;
  /** A notification on the channel (another process's change, or this one's echo). */
  changed(payload: string): void;
  /** The connection is lost: until reload runs again, nothing heard can be trusted. */
  lost(): void;
}

/**
 * One PostgreSQL connection LISTENing on the channels of Conductor's
 * in-memory copies (revocations, users), so several server processes keep
 * them current without a database round trip per call.
 *
 * - start: LISTEN first, then each subscriber reloads (a change made in
 *   between arrives as a notification, so none is missed);
 * - while the connection is down (or before the first reload) `listening`
 *   is false and subscribers ask PostgreSQL instead: slower, never wrong;
 * - a lost connection is retried (1 s doubling to 30 s) and reloaded.
 */
export class ChangeNotifications {
  private readonly subscribers = new Map<string, ChangeSubscriber>();
  private client: pg.Client | undefined;
  private ready = false;
  private stopped = false;
  private retryMs = reconnectDelaysMs.first;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Channels are fixed before start: a channel is `[a-z_]+`, interpolated into LISTEN. */
  subscribe(channel: string, subscriber: ChangeSubscriber): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel name ${JSON.stringify(channel)}`);
    this.subscribers.set(channel, subscriber);
  }

  /** True while every notification since the subscribers' last reload has been heard. */
  get listening(): boolean {
    return this.ready;
  }

  /** Connects; if this fails the subscribers work from PostgreSQL until a retry succeeds. */
  async start(): Promise<void> {
    await this.listen().catch((error: unknown) => this.lose(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    await this.client?.end().catch(() => undefined);
  }

  /**
   * Tells every process (this one included) of a change, after it is
   * committed. PostgreSQL signals every listening connection when the
   * notification commits; each process hears it as soon as its connection
   * delivers it (milliseconds on one host; the tests wait at most a second).
   * While not listening it is sent from a connection of its own.
   */
  async announce(channel: string, payload: string): Promise<void> {
    const client = this.ready ? this.client : undefined;
    if (client) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
      return;
    }
    const own = new pg.Client({ connectionString: this.databaseUrl });
    try {
      await own.connect();
      await own.query('select pg_notify($1, $2)', [channel, payload]);
    } finally {
      await own.end().catch(() => undefined);
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'conductor-notifications' });
    this.client = client;
    client.on('notification', ({ channel, payload = '' }) => this.subscribers.get(channel)?.changed(payload));
    client.on('error', (error) => this.lose(error));
    client.on('end', () => this.lose(new Error('connection ended')));
    await client.connect();
    for (const channel of this.subscribers.keys()) await client.query(`listen ${channel}`);
    for (const subscriber of this.subscribers.values()) await subscriber.reload();
    this.ready = true;
    this.retryMs = reconnectDelaysMs.first;
    this.logger.debug({ channels: [...this.subscribers.keys()] }, 'listening for changes');
  }

  /** The connection is gone: subscribers fall back to PostgreSQL; reconnect (once per loss). */
  private lose(error: unknown): void {
    if (this.stopped || this.client === undefined) return;
    const client = this.client;
    this.client = undefined;
    this.ready = false;
    for (const subscriber of this.subscribers.values()) subscriber.lost();
    void client.end().catch(() => undefined);
    this.logger.warn({ err: error, retry_ms: this.retryMs }, 'change listener lost; reading from PostgreSQL until it is back');
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, reconnectDelaysMs.max);
    setTimeout(() => {
      if (!this.stopped) void this.listen().catch((reason: unknown) => this.lose(reason));
    }, delay).unref();
  }
}
