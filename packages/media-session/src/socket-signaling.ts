/** `MediaSignaling` over a typed socket.io-client socket: requests with a timeout, Acks unwrapped. */
import type {
  Ack,
  ClientEventName,
  ClientToServerEvents,
  RequestOf,
  ResponseOf,
  ServerToClientEvents,
  WireError,
} from '@minimeet/shared';
import type { Socket } from 'socket.io-client';
import type { MediaSignaling } from './signaling.js';

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A request the server refused: its event and the wire error (`code` is what callers test). */
export class SignalingError extends Error {
  override name = 'SignalingError';
  constructor(
    readonly event: string,
    readonly wire: WireError,
  ) {
    super(`${event}: ${wire.code} ${wire.message}`);
  }
  get code(): string {
    return this.wire.code;
  }
}

/** Sends anything and returns the raw Ack (rejects when unanswered within `timeoutMs`). */
export function rawRequestOverSocket(
  socket: SignalingSocket,
  event: string,
  payload: unknown,
  timeoutMs: number,
): Promise<Ack<unknown>> {
  // Untyped on purpose: tests send hostile payloads and unknown events through this.
  const untyped = socket as unknown as {
    timeout(ms: number): { emitWithAck(ev: string, p: unknown): Promise<unknown> };
  };
  return untyped.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<unknown>>;
}

/** Sends a typed request and unwraps its Ack (throws SignalingError on refusal). */
export async function requestOverSocket<E extends ClientEventName>(
  socket: SignalingSocket,
  event: E,
  payload: RequestOf<E>,
  timeoutMs: number,
): Promise<ResponseOf<E>> {
  const ack = await rawRequestOverSocket(socket, event, payload, timeoutMs);
  if (!ack.ok) throw new SignalingError(event, ack.error);
  return ack.data as ResponseOf<E>;
}

export function socketIoSignaling(socket: SignalingSocket, opts: { timeoutMs: number }): MediaSignaling {
  return {
    request: (event, payload) => requestOverSocket(socket, event, payload, opts.timeoutMs),
    on: (event, handler) => {
      const listener = handler as (payload: unknown) => void;
      const untyped = socket as unknown as {
        on(ev: string, l: (p: unknown) => void): unknown;
        off(ev: string, l: (p: unknown) => void): unknown;
      };
      untyped.on(event, listener);
      return () => void untyped.off(event, listener);
    },
  };
}
