/** Injection token for the ConnectionSlots chosen by config (memory, or Redis when REDIS_URL is set). */
export const CONNECTION_SLOTS = Symbol('CONNECTION_SLOTS');

/** A counted key (e.g. "user:7", "ip:203.0.113.5") and how many sockets it may hold. */
export interface SlotClaim {
  key: string;
  limit: number;
}

/**
 * Open sockets counted per key, shared by every server process. A socket holds one slot under
 * each key of its claim; slots of a process that dies free themselves (the Redis store lets them
 * expire unless their process renews them).
 */
export interface ConnectionSlots {
  /**
   * Takes a slot under every key for the socket, all or none: returns the index of the first
   * claim already at its limit (nothing taken), or -1 when the slots were taken.
   */
  acquire(socketId: string, claims: SlotClaim[]): Promise<number>;
  /** Frees the socket's slots under these keys (idempotent). */
  release(socketId: string, keys: string[]): Promise<void>;
  /** Keeps this process's held slots alive (called periodically; a no-op where slots cannot expire). */
  renew(held: Map<string, string[]>): Promise<void>;
}

export class MemoryConnectionSlots implements ConnectionSlots {
  private readonly holders = new Map<string, Set<string>>();

  acquire(socketId: string, claims: SlotClaim[]): Promise<number> {
    const full = claims.findIndex((c) => (this.holders.get(c.key)?.size ?? 0) >= c.limit);
    if (full !== -1) return Promise.resolve(full);
    for (const { key } of claims) {
      let set = this.holders.get(key);
      if (!set) this.holders.set(key, (set = new Set()));
      set.add(socketId);
    }
    return Promise.resolve(-1);
  }

  release(socketId: string, keys: string[]): Promise<void> {
    for (const key of keys) {
      const set = this.holders.get(key);
      if (!set) continue;
      set.delete(socketId);
      if (set.size === 0) this.holders.delete(key);
    }
    return Promise.resolve();
  }

  renew(): Promise<void> {
    return Promise.resolve();
  }
}
