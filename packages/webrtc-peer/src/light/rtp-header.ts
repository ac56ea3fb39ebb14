/**
 * What a light receiver reads of an SRTP/SRTCP packet without keys: SRTP encrypts only the
 * payload, so the 12-byte RTP header (RFC 3550 §5.1) is readable as it is; SRTCP leaves the
 * first 8 bytes (header + sender SSRC) in the clear. Demultiplexing of one UDP port by the
 * first byte follows RFC 7983: 0–3 STUN, 20–63 DTLS, 128–191 RTP/RTCP.
 */

export type PacketClass = 'stun' | 'dtls' | 'rtp' | 'rtcp' | 'other';

export interface RtpHeaderFields {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
}

const RTP_HEADER_BYTES = 12;

export function classifyPacket(buf: Buffer): PacketClass {
  if (buf.length === 0) return 'other';
  const b = buf[0]!;
  if (b <= 3) return 'stun';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 128 && b <= 191) {
    if (buf.length < 2) return 'other';
    // RTCP packet types 192–223 (RFC 5761 §4): with the marker bit they overlap RTP PTs 64–95, which mediasoup never assigns.
    const pt = buf[1]!;
    return pt >= 192 && pt <= 223 ? 'rtcp' : 'rtp';
  }
  return 'other';
}

/** The clear-text RTP header of an (S)RTP packet; undefined when too short or not version 2. */
export function readRtpHeader(buf: Buffer): RtpHeaderFields | undefined {
  if (buf.length < RTP_HEADER_BYTES || buf[0]! >> 6 !== 2) return undefined;
  const second = buf[1]!;
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
  };
}
