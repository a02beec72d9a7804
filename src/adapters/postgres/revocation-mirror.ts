import type { RevocationStore } from '../../ports/revocation-store.js';
import type { ChangeNotifications } from './change-notifications.js';
import type { RevocationRepository } from './repositories/revocation.repository.js';

/** The channel a revocation is announced on; its payload is `<expiry, ms since epoch> <token id>`. */
const channel = 'conductor_revocations';

/**
 * Revocations in memory, kept current across server processes by
 * PostgreSQL's LISTEN/NOTIFY (ChangeNotifications), so checking a user token
 * costs no database round trip (it was one of two per user-token call; see
 * bench:gateway).
 *
 * - revoke: stored in the table (the source of truth), added here at once,
 *   and announced: the process that revoked refuses the token at once, the
 *   others as soon as the notification reaches them (milliseconds);
 * - while not listening, every check asks the table, as before.
 */
export class RevocationMirror implements RevocationStore {
  private readonly revoked = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly table: RevocationRepository,
    private readonly notifications: ChangeNotifications,
  ) {
    notifications.subscribe(channel, {
      reload: () => this.reload(),
      changed: (payload) => {
        const [expiresMs, jti] = payload.split(' ');
        if (jti) this.revoked.set(jti, Number(expiresMs) || Number.POSITIVE_INFINITY);
      },
      // Kept: what was revoked stays revoked; reload adds what was missed.
      lost: () => undefined,
    });
  }

  async revoke(jti: string, expiresAt: Date): Promise<void> {
    await this.table.revoke(jti, expiresAt);
    this.revoked.set(jti, expiresAt.getTime());
    // Announced after the row is committed: a process that hears it and then asks the table finds it.
    await this.notifications.announce(channel, `${expiresAt.getTime()} ${jti}`);
  }

  async isRevoked(jti: string): Promise<boolean> {
    if (!this.notifications.listening) return this.table.isRevoked(jti);
    this.sweep();
    return this.revoked.has(jti);
  }

  private async reload(): Promise<void> {
    for (const { jti, expiresAt } of await this.table.unexpired()) this.revoked.set(jti, expiresAt.getTime());
  }

  /** Forgets revocations of tokens that have expired anyway (at most once a minute). */
  private sweep(): void {
    const now = Date.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + 60_000;
    for (const [jti, expiresMs] of this.revoked) if (expiresMs <= now) this.revoked.delete(jti);
  }
}
