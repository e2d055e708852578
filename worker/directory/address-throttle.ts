import { ADDRESS_LIMITS, afterFailure, freshThrottle, lockRemaining, type ThrottleState } from "../lib/sign-in-throttle";

/** Sign-in failures per client address (`address_throttle`), kept in the address's own shard. */
export class AddressThrottle {
  constructor(private readonly sql: SqlStorage) {}

  /** Milliseconds this address must wait before trying to sign in again; 0 when it may. */
  locked(address: string, now: number): number {
    return lockRemaining(this.state(address), now);
  }

  failed(address: string, now: number): void {
    const next = afterFailure(this.state(address), now, ADDRESS_LIMITS);
    this.sql.exec(
      "INSERT INTO address_throttle (address, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (address) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
      address,
      JSON.stringify(next),
      now,
    );
    // Old entries go, so the table stays as small as the set of addresses failing right now.
    this.sql.exec("DELETE FROM address_throttle WHERE updated_at < ?", now - 24 * 3600_000);
  }

  private state(address: string): ThrottleState {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM address_throttle WHERE address = ?", address).toArray()[0];
    return row ? (JSON.parse(row.state) as ThrottleState) : freshThrottle;
  }
}
