import { describe, expect, it } from 'vitest';
import { classifyPacket, readRtpHeader, receiveOnlyCapabilities } from '../src/light/index.js';

/** An RTP packet as SRTP carries it: clear 12-byte header, then (here random) ciphertext. */
function rtp(seq: number, ssrc: number, pt: number, marker = false): Buffer {
  const b = Buffer.alloc(12 + 30, 0xab);
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | pt;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(0xdeadbeef, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

describe('light receiver packet reading', () => {
  it('reads the clear RTP header fields of an SRTP packet', () => {
    expect(readRtpHeader(rtp(65535, 0x12345678, 101, true))).toEqual({
      payloadType: 101,
      marker: true,
      sequenceNumber: 65535,
      timestamp: 0xdeadbeef,
      ssrc: 0x12345678,
    });
    expect(readRtpHeader(Buffer.alloc(8, 0x80))).toBeUndefined();
    expect(readRtpHeader(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });

  it('demultiplexes STUN, DTLS, RTP and RTCP by their first bytes (RFC 7983)', () => {
    expect(classifyPacket(Buffer.from([0x00, 0x01]))).toBe('stun');
    expect(classifyPacket(Buffer.from([22, 0xfe, 0xfd]))).toBe('dtls');
    expect(classifyPacket(rtp(1, 1, 100))).toBe('rtp');
    expect(classifyPacket(rtp(1, 1, 100, true))).toBe('rtp');
    expect(classifyPacket(Buffer.from([0x81, 201, 0, 7]))).toBe('rtcp');
    expect(classifyPacket(Buffer.from([0x80, 200, 0, 6]))).toBe('rtcp');
    expect(classifyPacket(Buffer.alloc(0))).toBe('other');
    expect(classifyPacket(Buffer.from([0xff]))).toBe('other');
  });

  it('consumes without RTX, RTCP feedback or congestion-control extensions it could never answer', () => {
    const caps = receiveOnlyCapabilities({
      codecs: [
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] },
        { kind: 'video', mimeType: 'video/rtx', clockRate: 90000, parameters: { apt: 101 } },
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      ],
      headerExtensions: [
        { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 1 },
        {
          kind: 'video',
          uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
          preferredId: 5,
        },
      ],
    });
    expect(caps.codecs!.map((c) => c.mimeType)).toEqual(['video/VP8', 'audio/opus']);
    expect(caps.codecs!.every((c) => c.rtcpFeedback!.length === 0)).toBe(true);
    expect(caps.headerExtensions!.map((h) => h.preferredId)).toEqual([1]);
  });
});
