/**
 * One operation at a time, in order, so transports, produce and consume never race. A failed
 * operation is reported and does not stop the ones after it; once stopped, queued ones are skipped.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly report: (what: string, err: unknown) => void) {}

  run(what: string, op: () => Promise<void>): Promise<void> {
    const next = this.tail.then(async () => {
      if (this.stopped) return;
      try {
        await op();
      } catch (err) {
        if (!this.stopped) this.report(what, err);
      }
    });
    this.tail = next;
    return next;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Settles when every operation queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
