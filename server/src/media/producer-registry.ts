import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import type { PeerMedia, Source } from './peer-media.js';
import type { RoomRouter } from './room-router.js';

/** A producer of the room as the room's peers and events see it. */
export interface ProducerInfo {
  producerId: string;
  userId: number;
  peerId: string;
  kind: types.MediaKind;
  source: Source;
  paused: boolean;
}

/** A producer of the room: where it lives and whose it is. */
export interface RoomProducer {
  producer: types.Producer;
  /** The room router it lives on (its peer's home, or where it was brought in). */
  router: RoomRouter;
  userId: number;
  peerId: string;
  source: Source;
  /** The local peer producing it; undefined for one brought in from elsewhere (another node). */
  peer: PeerMedia | undefined;
}

/**
 * Every producer of one room behind one lookup: the local peers' producers and those brought in
 * from elsewhere (piped in from other nodes). An entry goes when its producer closes.
 */
export class ProducerRegistry {
  readonly #entries = new Map<string, RoomProducer>();

  /** Adds a live producer; the caller has checked its id is not in the room yet. */
  add(entry: RoomProducer): void {
    const id = entry.producer.id;
    this.#entries.set(id, entry);
    entry.producer.observer.once('close', () => {
      if (this.#entries.get(id) === entry) this.#entries.delete(id);
    });
  }

  /** Adds a producer brought in from elsewhere, unless it closed or is in the room already. */
  addExternal(entry: RoomProducer, roomId: number): void {
    const { producer } = entry;
    if (producer.closed) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'The producer is closed');
    if (this.find(producer.id)) {
      throw new AppError(ErrorCode.CONFLICT, `Producer ${producer.id} is already in room ${roomId}`);
    }
    this.add(entry);
  }

  find(producerId: string): RoomProducer | undefined {
    return this.#entries.get(producerId);
  }

  /** Every producer of the room except those of `exceptPeerId`. */
  list(exceptPeerId?: string): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const entry of this.#entries.values())
      if (entry.peerId !== exceptPeerId) out.push(producerInfo(entry));
    return out;
  }

  values(): IterableIterator<RoomProducer> {
    return this.#entries.values();
  }

  clear(): void {
    this.#entries.clear();
  }
}

export function producerInfo(entry: Omit<RoomProducer, 'router' | 'peer'>): ProducerInfo {
  return {
    producerId: entry.producer.id,
    userId: entry.userId,
    peerId: entry.peerId,
    kind: entry.producer.kind,
    source: entry.source,
    paused: entry.producer.paused,
  };
}
