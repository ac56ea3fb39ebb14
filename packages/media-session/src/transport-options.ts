/** The server's createWebRtcTransport answer as mediasoup-client TransportOptions. */
import type { ResponseOf } from '@minimeet/shared';
import type { TransportOptions } from 'mediasoup-client/types';

export type TransportAnswer = ResponseOf<'createWebRtcTransport'>;

/**
 * `additionalSettings` go to the RTCPeerConnection as they are (e.g. werift's `iceUseTcp`).
 * The contract's structural types stand for mediasoup-client's own, hence the casts.
 */
export function transportOptionsOf(
  answer: TransportAnswer,
  additionalSettings?: Record<string, unknown>,
): TransportOptions {
  return {
    id: answer.id,
    iceParameters: answer.iceParameters as TransportOptions['iceParameters'],
    iceCandidates: answer.iceCandidates as TransportOptions['iceCandidates'],
    dtlsParameters: answer.dtlsParameters as TransportOptions['dtlsParameters'],
    ...(answer.sctpParameters
      ? { sctpParameters: answer.sctpParameters as TransportOptions['sctpParameters'] }
      : {}),
    // TURN (short-lived credentials) for networks that block UDP or the SFU's address.
    iceServers: answer.iceServers ?? [],
    iceTransportPolicy: answer.iceTransportPolicy ?? 'all',
    ...(additionalSettings ? { additionalSettings: additionalSettings as Partial<RTCConfiguration> } : {}),
  };
}
