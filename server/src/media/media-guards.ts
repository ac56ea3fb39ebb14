import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';

/** What the guards need of the peer a media object is made for. */
export interface GuardedPeer {
  readonly closed: boolean;
  claim(slot: string): (() => void) | undefined;
}

/** A mediasoup object that may close (or be closed) while it is being set up. */
export interface Closable {
  readonly closed: boolean;
  close(): void;
}

export interface Creation<T extends Closable> {
  /** One creation of this slot at a time per peer (e.g. `producer:mic`). */
  slot: string;
  /** The CONFLICT message when the slot is being created already, or `taken()`. */
  conflict: string;
  /** Whether the peer holds the slot's object already (checked with the slot claimed). */
  taken?: () => boolean;
  /** What is being done, for the error when the peer or its router goes meanwhile. */
  doing: string;
  /** False once what the object is made on went away (its router, its transport). */
  stillPlaced?: () => boolean;
  create: () => Promise<T>;
  /** Takes the made object into the peer (runs with the slot still claimed). */
  adopt: (made: T) => void;
}

/**
 * The guards every creation of a peer's media object needs, in one place: the peer's slot is
 * claimed (concurrent requests would all pass the one-per-slot checks before the first `await`),
 * a failure while the router went is reported as a reset, and an object made while the peer left
 * or its router went is closed rather than handed out.
 */
export async function createGuarded<T extends Closable>(peer: GuardedPeer, c: Creation<T>): Promise<T> {
  const release = peer.claim(c.slot);
  if (!release || c.taken?.()) {
    release?.();
    throw new AppError(ErrorCode.CONFLICT, c.conflict);
  }
  try {
    let made: T;
    try {
      made = await c.create();
    } catch (err) {
      if (c.stillPlaced && !c.stillPlaced()) throw goneWhileAwaiting(peer, c.doing);
      throw err;
    }
    if (peer.closed || made.closed || (c.stillPlaced && !c.stillPlaced())) {
      made.close();
      throw goneWhileAwaiting(peer, c.doing);
    }
    c.adopt(made);
    return made;
  } finally {
    release();
  }
}

/** The peer left, or its router went (worker died), while a media object was being created. */
export function goneWhileAwaiting(peer: { readonly closed: boolean }, doing: string): AppError {
  return peer.closed
    ? new AppError(ErrorCode.NOT_IN_ROOM, `Left the room while ${doing}`)
    : new AppError(ErrorCode.MEDIA_UNAVAILABLE, `Your media was reset while ${doing}; wait for mediaReset`);
}
