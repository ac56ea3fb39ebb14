/**
 * The disconnect grace period of each (room, user) on this process: a timer that removes the user
 * when it expires. The timers die with the process, so shutdown drains them and settles the users.
 */
export class PresenceGraceTimers {
  /** `${roomId}:${userId}` → timer. */
  private readonly timers = new Map<string, NodeJS.Timeout>();

  start(roomId: number, userId: number, ms: number, onExpire: () => void): void {
    const key = `${roomId}:${userId}`;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        onExpire();
      }, ms),
    );
  }

  clear(roomId: number, userId: number): void {
    const key = `${roomId}:${userId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  clearRoom(roomId: number): void {
    for (const [roomOf, userId] of this.pending()) if (roomOf === roomId) this.clear(roomId, userId);
  }

  /** Stops every timer and returns whose grace was cut short, as [roomId, userId]. */
  drain(): Array<[number, number]> {
    const pending = this.pending();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    return pending;
  }

  private pending(): Array<[number, number]> {
    return [...this.timers.keys()].map((key) => key.split(':').map(Number) as [number, number]);
  }
}
