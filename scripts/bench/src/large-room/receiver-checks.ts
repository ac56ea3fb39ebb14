/**
 * What a receiver of the large room must be getting, read from its streams (LightReceiver's
 * ReceivedStream counters): the video of every sender on its page and the microphones of the
 * loud speakers, each with a packet in the last FLOWING_MS.
 */
import type { ReceivedStream } from '@minimeet/webrtc-peer';

const FLOWING_MS = 2000;

export interface Expectation {
  /** User ids whose camera the receiver shows. */
  videoFrom: number[];
  /** User ids whose microphone it must hear. */
  audioFrom: number[];
}

export interface ReceiverState {
  pageOk: boolean;
  loudestOk: boolean;
  /** Open consumers (streams) it holds now. */
  openVideo: number;
  openAudio: number;
}

const flowingFrom = (streams: ReceivedStream[], kind: 'audio' | 'video', now: number) =>
  new Set(
    streams
      .filter((s) => !s.closed && s.kind === kind && s.packets > 0 && now - s.lastPacketAt < FLOWING_MS)
      .map((s) => s.userId),
  );

export function receiverState(open: ReceivedStream[], expect: Expectation, now = Date.now()): ReceiverState {
  const video = flowingFrom(open, 'video', now);
  const audio = flowingFrom(open, 'audio', now);
  return {
    pageOk: expect.videoFrom.every((u) => video.has(u)),
    loudestOk: expect.audioFrom.every((u) => audio.has(u)),
    openVideo: open.filter((s) => s.kind === 'video').length,
    openAudio: open.filter((s) => s.kind === 'audio').length,
  };
}

/** Join ack → first RTP of the receiver's first video stream, ms (null: no video yet). */
export function firstFrameMs(streams: ReceivedStream[], joinAckAt: number): number | null {
  const firsts = streams.filter((s) => s.kind === 'video' && s.firstPacketAt > 0).map((s) => s.firstPacketAt);
  return firsts.length && joinAckAt ? Math.min(...firsts) - joinAckAt : null;
}

/** Packets and losses summed over streams (every stream ever opened, closed ones included). */
export function packetTotals(streams: ReceivedStream[]): { packets: number; lost: number; expected: number } {
  let packets = 0;
  let lost = 0;
  let expected = 0;
  for (const s of streams) {
    packets += s.packets;
    lost += s.sequence.lost;
    expected += s.sequence.expected;
  }
  return { packets, lost, expected };
}
