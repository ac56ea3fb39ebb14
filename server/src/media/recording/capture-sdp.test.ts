import { describe, expect, it } from 'vitest';
import { captureFormat, captureSdp } from './capture-sdp.js';

describe('capture SDP', () => {
  it('describes the consumer’s codec on the given port, with its fmtp and without x-google parameters', () => {
    const sdp = captureSdp(
      {
        codecs: [
          {
            mimeType: 'video/H264',
            payloadType: 125,
            clockRate: 90000,
            parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'x-google-start-bitrate': 1000 },
          },
        ],
        encodings: [{ ssrc: 1 }],
      },
      'video',
      40000,
    );
    expect(sdp).toContain('m=video 40000 RTP/AVP 125\r\n');
    expect(sdp).toContain('a=rtpmap:125 H264/90000\r\n');
    expect(sdp).toContain('a=fmtp:125 packetization-mode=1;profile-level-id=42e01f\r\n');
    expect(sdp).not.toContain('x-google');
  });

  it('gives Opus its channel count', () => {
    const sdp = captureSdp(
      { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 2 }] },
      'audio',
      40002,
    );
    expect(sdp).toContain('a=rtpmap:100 opus/48000/2\r\n');
    expect(sdp).not.toContain('a=fmtp');
  });

  it('writes WebM for VP8, VP9 and Opus and Matroska for H264', () => {
    expect(captureFormat('video/VP8')).toEqual({ muxer: 'webm', extension: 'webm' });
    expect(captureFormat('video/VP9').extension).toBe('webm');
    expect(captureFormat('audio/opus').extension).toBe('webm');
    expect(captureFormat('video/H264')).toEqual({ muxer: 'matroska', extension: 'mkv' });
  });
});
