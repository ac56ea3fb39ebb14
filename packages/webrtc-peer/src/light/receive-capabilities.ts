/**
 * The RTP capabilities a light receiver consumes with: the router's codecs (it never decodes,
 * so any codec will do) without RTCP feedback, RTX or congestion-control header extensions.
 * It cannot send SRTCP (no keys are extracted), so promising NACK, PLI or transport-cc feedback
 * would only make mediasoup keep retransmission buffers and a bandwidth estimator for nothing:
 * loss it counts is the raw loss of the path, nothing is repaired.
 */
import type { RtpCapabilities } from '@minimeet/shared';

const FEEDBACK_EXTENSIONS = [
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
];

export function receiveOnlyCapabilities(router: RtpCapabilities): RtpCapabilities {
  return {
    codecs: (router.codecs ?? [])
      .filter((c) => !/\/rtx$/i.test(c.mimeType))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: (router.headerExtensions ?? []).filter((h) => !FEEDBACK_EXTENSIONS.includes(h.uri)),
  };
}
