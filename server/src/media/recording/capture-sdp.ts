import type { types } from 'mediasoup';

/** How one captured stream is written: container and file extension by codec. */
export interface CaptureFormat {
  /** ffmpeg muxer. */
  muxer: 'webm' | 'matroska';
  extension: 'webm' | 'mkv';
}

/**
 * VP8, VP9 and Opus go into WebM; H264 (not allowed in WebM) into Matroska. Both are written
 * as clusters flushed packet by packet, so a file cut by a kill still plays up to its last cluster.
 */
export function captureFormat(mimeType: string): CaptureFormat {
  return mimeType.toLowerCase() === 'video/h264'
    ? { muxer: 'matroska', extension: 'mkv' }
    : { muxer: 'webm', extension: 'webm' };
}

/**
 * The SDP ffmpeg reads to receive one consumer's RTP on 127.0.0.1: `rtpPort` (RTP) and
 * `rtpPort + 1` (RTCP, ffmpeg's convention), the consumer's payload type, codec and fmtp.
 */
export function captureSdp(rtpParameters: types.RtpParameters, kind: types.MediaKind, rtpPort: number): string {
  const codec = rtpParameters.codecs[0];
  if (!codec) throw new Error('capture: the consumer has no codec');
  const name = codec.mimeType.split('/')[1] ?? codec.mimeType;
  const rtpmap = `${codec.payloadType} ${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .filter(([key]) => !key.startsWith('x-google'))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=MiniMeet recording',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${kind} ${rtpPort} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=recvonly',
    '',
  ].join('\r\n');
}
