/** What the session's local and remote halves see of it: the current device and transports, and whether work is stale. */
import type { Device, Transport } from 'mediasoup-client/types';
import type { MediaSignaling } from './signaling.js';
import type { MediaSink } from './sink.js';

export interface MediaContext {
  readonly signaling: MediaSignaling;
  readonly sink: MediaSink;
  readonly warn: (message: string) => void;
  device(): Device | null;
  transport(direction: 'send' | 'recv'): Transport | null;
  /** False while the server lets us only receive (a webinar attendee): no producers then. */
  canSend(): boolean;
  /** Bumped when transports are replaced: results of work started under an older one are dropped. */
  epoch(): number;
  closed(): boolean;
  enqueue(what: string, op: () => Promise<void>): Promise<void>;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
