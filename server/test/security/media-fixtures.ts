/**
 * Media signaling the way a hostile client does it: plain Socket.IO requests, no WebRTC stack.
 * mediasoup accepts a produce on an unconnected transport, so caps can be exercised without ICE.
 */
import type { MediaSource, MediaStatsData, RtpCapabilities, RtpParameters } from '@minimeet/shared';
import { okData, request, type ClientSocket } from '../helpers/chat-client.js';

let ssrc = 10_000;

/** Valid rtpParameters for one source (VP8 / Opus as the router offers them); `encodings` overrides the count. */
export function rtpParametersFor(source: MediaSource, encodings = 1): RtpParameters {
  const audio = source === 'mic';
  return {
    mid: String(ssrc % 1000),
    codecs: [
      audio
        ? { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }
        : { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
    ],
    headerExtensions: [],
    encodings: Array.from({ length: encodings }, () => ({ ssrc: ++ssrc })),
    rtcp: { cname: `cname-${ssrc}` },
  };
}

export interface MediaMember {
  socket: ClientSocket;
  routerRtpCapabilities: RtpCapabilities;
}

/** joinRoom, answering the router capabilities. */
export async function joinMedia(socket: ClientSocket, roomId: number): Promise<MediaMember> {
  const joined = okData(await request(socket, 'joinRoom', { roomId }));
  if (!joined.routerRtpCapabilities) throw new Error('joinRoom answered no routerRtpCapabilities');
  return { socket, routerRtpCapabilities: joined.routerRtpCapabilities };
}

export async function createTransport(socket: ClientSocket, roomId: number, direction: 'send' | 'recv') {
  return okData(await request(socket, 'createWebRtcTransport', { roomId, direction })).id;
}

export async function produce(socket: ClientSocket, transportId: string, source: MediaSource) {
  const ack = await request(socket, 'produce', {
    transportId,
    kind: source === 'mic' ? 'audio' : 'video',
    source,
    rtpParameters: rtpParametersFor(source),
  });
  return okData(ack).producerId;
}

/** The room's router object counts (from router.dump()) as the server reports them. */
export async function roomCounts(socket: ClientSocket, roomId: number): Promise<MediaStatsData['room']> {
  return okData(await request(socket, 'getMediaStats', { roomId })).room;
}

/** Emits any event and payload without waiting for an answer (e.g. an oversized frame). */
export function emitRaw(socket: ClientSocket, event: string, payload: unknown): void {
  (socket as unknown as { emit(ev: string, p: unknown): void }).emit(event, payload);
}
