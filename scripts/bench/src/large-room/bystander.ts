/**
 * A participant that only watches the signaling: a plain Socket.IO client joined to the room that
 * counts the bytes of every Engine.IO message it receives (the Socket.IO packets as sent on the
 * WebSocket, pings excluded), per event name, so the cost of others joining can be read off.
 */
import { socketHandshakeAuth, type ClientToServerEvents, type ServerToClientEvents } from '@minimeet/shared';
import { io, type Socket } from 'socket.io-client';

const TIMEOUT_MS = 15_000;

export interface ByteCounts {
  bytes: number;
  messages: number;
  /** Bytes per event name (Socket.IO acks under "(ack)"). */
  byEvent: Record<string, number>;
}

/** The event name of a Socket.IO packet (Engine.IO payload, e.g. `2["participantsDelta",{…}]`). */
export function eventNameOf(data: string): string {
  const m = /^2(?:\/[^,]*,)?\d*\["([^"]+)"/.exec(data);
  if (m) return m[1]!;
  return data.startsWith('3') ? '(ack)' : '(other)';
}

export class Bystander {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private counting = false;
  private counts: ByteCounts = { bytes: 0, messages: 0, byEvent: {} };

  private constructor(socket: Socket<ServerToClientEvents, ClientToServerEvents>) {
    this.socket = socket;
  }

  /** Connects with `token` and joins `roomId`; counting starts at `startCounting()`. */
  static async join(url: string, token: string, roomId: number): Promise<Bystander> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
      auth: socketHandshakeAuth(token),
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const b = new Bystander(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    // Engine.IO 'data': the payload of each message packet (string for JSON events).
    socket.io.engine.on('data', (data: unknown) => b.record(data));
    const ack = (await socket.timeout(TIMEOUT_MS).emitWithAck('joinRoom', { roomId })) as {
      ok: boolean;
      error?: { message: string };
    };
    if (!ack.ok) {
      socket.disconnect();
      throw new Error(`bystander joinRoom: ${ack.error?.message ?? 'refused'}`);
    }
    return b;
  }

  startCounting(): void {
    this.counts = { bytes: 0, messages: 0, byEvent: {} };
    this.counting = true;
  }

  /** Stops counting and returns what arrived since startCounting(). */
  stopCounting(): ByteCounts {
    this.counting = false;
    return this.counts;
  }

  close(): void {
    this.socket.disconnect();
  }

  private record(data: unknown): void {
    if (!this.counting) return;
    const text = typeof data === 'string' ? data : null;
    // +1: the Engine.IO packet type byte in front of the Socket.IO packet.
    const bytes = 1 + (text !== null ? Buffer.byteLength(text) : ((data as ArrayBuffer).byteLength ?? 0));
    const name = text !== null ? eventNameOf(text) : '(binary)';
    this.counts.bytes += bytes;
    this.counts.messages++;
    this.counts.byEvent[name] = (this.counts.byEvent[name] ?? 0) + bytes;
  }
}
