import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { RoomRouter } from './room-router.js';

export type Direction = 'send' | 'recv';
export type Source = 'mic' | 'camera' | 'screen';

export interface PeerTransport {
  transport: types.WebRtcTransport;
  direction: Direction;
  /** Connection (socket id) that created it: a reconnected socket may replace it. */
  createdBy: string;
}

export interface PeerProducer {
  producer: types.Producer;
  source: Source;
}

export interface PeerMediaEvents {
  closed: [];
}

/**
 * One participant's media in one room: its transports (≤ 1 send, ≤ 1 recv), producers (one per
 * source) and consumers. Knows nothing of sockets; `attachedTo` is only an opaque connection id
 * the signaling layer keys on (it changes when a client reconnects and re-attaches).
 * Children remove themselves from the maps when mediasoup closes them.
 */
export class PeerMedia extends EventEmitter<PeerMediaEvents> {
  readonly transports = new Map<string, PeerTransport>();
  readonly producers = new Map<string, PeerProducer>();
  readonly consumers = new Map<string, types.Consumer>();
  /** Current connection id, or null while detached (disconnected, within the grace period). */
  attachedTo: string | null;
  /**
   * The room router this peer's transports live on; set by the room when the peer first needs
   * one, cleared when that router is lost (the peer is then placed again).
   */
  home: RoomRouter | undefined;
  #closed = false;
  /** Slots (e.g. `transport:send`) with a creation in flight: see `claim`. */
  readonly #inFlight = new Set<string>();

  constructor(
    readonly id: string,
    readonly userId: number,
    connectionId: string,
  ) {
    super();
    this.attachedTo = connectionId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  addTransport(entry: PeerTransport): void {
    const { transport } = entry;
    this.transports.set(transport.id, entry);
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  addProducer(entry: PeerProducer): void {
    const { producer } = entry;
    this.producers.set(producer.id, entry);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
  }

  /**
   * Marks `slot` as being created and returns its release function, or undefined when a creation
   * of that slot is already in flight. The one-per-slot checks run before an `await`; without this
   * mark, concurrent requests would all pass them together.
   */
  claim(slot: string): (() => void) | undefined {
    if (this.#inFlight.has(slot)) return undefined;
    this.#inFlight.add(slot);
    return () => this.#inFlight.delete(slot);
  }

  transportOf(direction: Direction): PeerTransport | undefined {
    for (const t of this.transports.values()) if (t.direction === direction) return t;
    return undefined;
  }

  producerOf(source: Source): PeerProducer | undefined {
    for (const p of this.producers.values()) if (p.source === source) return p;
    return undefined;
  }

  /** Closes every media object (consumers, producers, then transports); the peer stays usable. */
  closeMedia(): void {
    for (const c of [...this.consumers.values()]) c.close();
    for (const p of [...this.producers.values()]) p.producer.close();
    for (const t of [...this.transports.values()]) t.transport.close();
    this.consumers.clear();
    this.producers.clear();
    this.transports.clear();
  }

  /** Idempotent: closes children first, then emits `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.closeMedia();
    this.emit('closed');
    this.removeAllListeners();
  }
}
