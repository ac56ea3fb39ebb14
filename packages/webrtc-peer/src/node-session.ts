/**
 * The browser's media session as a Node peer runs it: a werift-backed Chrome111 Device, every
 * remote stream received (or none), one pre-encoded layer per source, and werift's workarounds.
 */
import {
  MediaSession,
  receiveEverything,
  receiveNothing,
  singleLayerProduceOptions,
  socketIoSignaling,
  type MediaSessionOptions,
  type MediaSink,
  type SignalingSocket,
} from '@minimeet/media-session';
import { Device } from 'mediasoup-client';

export interface NodeSessionOptions {
  socket: SignalingSocket;
  roomId: number;
  selfId: number;
  sink: MediaSink;
  requestTimeoutMs: number;
  /** false: a send-only peer. */
  consume: boolean;
  /** Gather ICE-TCP candidates too (werift's `iceUseTcp`). */
  iceTcp: boolean;
  warn: (message: string) => void;
}

type SessionDevice = ReturnType<MediaSessionOptions['createDevice']>;

export function nodeMediaSession(o: NodeSessionOptions): MediaSession {
  return new MediaSession({
    roomId: o.roomId,
    selfId: o.selfId,
    signaling: socketIoSignaling(o.socket, { timeoutMs: o.requestTimeoutMs }),
    sink: o.sink,
    // mediasoup-client 3.24 (werift-tested, see STACK.md); the session is typed against the browser's.
    createDevice: () => new Device({ handlerName: 'Chrome111' }) as unknown as SessionDevice,
    reception: o.consume ? receiveEverything : receiveNothing,
    produceOptions: singleLayerProduceOptions,
    ...(o.iceTcp ? { transportSettings: { iceUseTcp: true } } : {}),
    sendIceRestartOnlyWhenBroken: true,
    warn: o.warn,
  });
}
