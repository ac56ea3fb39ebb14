/**
 * The browser's media session as a Node peer runs it: a werift-backed Chrome111 Device, every
 * remote stream received (or none), one pre-encoded layer per source, and werift's workarounds.
 */
import {
  joinMediaOf,
  MediaSession,
  receiveEverything,
  receiveNothing,
  singleLayerProduceOptions,
  type JoinMedia,
  type MediaSessionOptions,
  type MediaSignaling,
  type MediaSink,
} from '@minimeet/media-session';
import type { JoinRoomData } from '@minimeet/shared';
import { Device } from 'mediasoup-client';
import type { PeerOptions } from './peer-options.js';

/** What the session needs beyond the peer's options. */
export interface NodeSessionParts {
  selfId: number;
  sink: MediaSink;
  signaling: MediaSignaling;
  warn: (message: string) => void;
}

type SessionDevice = ReturnType<MediaSessionOptions['createDevice']>;

export function nodeMediaSession(
  options: Pick<PeerOptions, 'roomId' | 'consume' | 'iceTcp'>,
  o: NodeSessionParts,
): MediaSession {
  return new MediaSession({
    roomId: options.roomId,
    selfId: o.selfId,
    signaling: o.signaling,
    sink: o.sink,
    // mediasoup-client 3.24 (werift-tested, see STACK.md); the session is typed against the browser's.
    createDevice: () => new Device({ handlerName: 'Chrome111' }) as unknown as SessionDevice,
    reception: options.consume === false ? receiveNothing : receiveEverything,
    produceOptions: singleLayerProduceOptions,
    ...(options.iceTcp ? { transportSettings: { iceUseTcp: true } } : {}),
    sendIceRestartOnlyWhenBroken: true,
    warn: o.warn,
  });
}

/** The media part of a joinRoom answer (a peer needs the server's SFU). */
export function joinedMedia(data: JoinRoomData): JoinMedia {
  const media = joinMediaOf(data);
  if (!media) throw new Error('joinRoom answer has no routerRtpCapabilities (media disabled?)');
  return media;
}
