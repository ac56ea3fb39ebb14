import { Injectable } from '@nestjs/common';

/** Lets the outbox tell this node's dispatcher that a row was written (no wait for its poll). */
@Injectable()
export class WebhookWakeup {
  private listener: (() => void) | undefined;

  onWake(listener: () => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  wake(): void {
    this.listener?.();
  }
}
