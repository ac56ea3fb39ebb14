import os from 'node:os';
import { z } from 'zod';
import { intInRange, ipAddress, port, positiveInt, refuse } from './env-fields.js';

/** mediasoup: workers, where WebRTC media listens, bitrates and per-user media caps. */
export const mediaEnv = z.object({
  MEDIASOUP_WORKERS: positiveInt('MEDIASOUP_WORKERS', os.availableParallelism()),
  MEDIA_ROUTER_SPILL_LOAD: intInRange('MEDIA_ROUTER_SPILL_LOAD', 400, 1, 1_000_000),
  MEDIASOUP_LISTEN_IP: ipAddress('MEDIASOUP_LISTEN_IP').default('0.0.0.0'),
  MEDIASOUP_ANNOUNCED_ADDRESS: z.string().optional(),
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  RTC_MIN_PORT: port('RTC_MIN_PORT', 40000),
  RTC_MAX_PORT: port('RTC_MAX_PORT', 40099),
  MEDIA_MAX_INCOMING_BITRATE: intInRange('MEDIA_MAX_INCOMING_BITRATE', 5_000_000, 100_000, 100_000_000),
  // 0 (off) or mediasoup's accepted range: it rejects floors under 30 kbit/s.
  MEDIA_MIN_OUTGOING_BITRATE: intInRange('MEDIA_MIN_OUTGOING_BITRATE', 120_000, 0, 10_000_000).refine(
    (v) => v === 0 || v >= 30_000,
    'MEDIA_MIN_OUTGOING_BITRATE must be 0 (off) or between 30000 and 10000000',
  ),
  MAX_SOCKETS_PER_USER_ROOM: intInRange('MAX_SOCKETS_PER_USER_ROOM', 3, 1, 100),
  AUDIO_LOUDEST_K: intInRange('AUDIO_LOUDEST_K', 3, 1, 16),
  // 2 × (the widest grid page, 16, + the speaker tile) + a few screen shares: a page flip opens
  // the next page before the last one's consumers close.
  VIDEO_CONSUMERS_PER_PEER_MAX: intInRange('VIDEO_CONSUMERS_PER_PEER_MAX', 40, 1, 1000),
});

export const mediaSection = mediaEnv.transform((e, ctx) => {
  if (e.RTC_MIN_PORT > e.RTC_MAX_PORT)
    return refuse(ctx, `RTC_MIN_PORT/RTC_MAX_PORT: inverted range ${e.RTC_MIN_PORT} > ${e.RTC_MAX_PORT}`);
  // One WebRtcServer per worker takes one port from the range.
  if (e.RTC_MAX_PORT - e.RTC_MIN_PORT + 1 < e.MEDIASOUP_WORKERS)
    return refuse(
      ctx,
      `RTC_MIN_PORT/RTC_MAX_PORT: range ${e.RTC_MIN_PORT}-${e.RTC_MAX_PORT} has fewer ports than MEDIASOUP_WORKERS (${e.MEDIASOUP_WORKERS})`,
    );
  return {
    workerCount: e.MEDIASOUP_WORKERS,
    listenIp: e.MEDIASOUP_LISTEN_IP,
    announcedAddress: e.MEDIASOUP_ANNOUNCED_ADDRESS,
    rtcMinPort: e.RTC_MIN_PORT,
    rtcMaxPort: e.RTC_MAX_PORT,
    logLevel: e.MEDIASOUP_LOG_LEVEL,
    /** Cap (bps) on what one client sends into one WebRtcTransport. */
    maxIncomingBitrate: e.MEDIA_MAX_INCOMING_BITRATE,
    /**
     * Floor (bps) of the bandwidth estimate on transports that send to a client (0: mediasoup's own
     * 30 kbit/s). Keeps the lowest simulcast layer flowing under a thin link, so the estimate has
     * traffic to grow from when the link widens again.
     */
    minOutgoingBitrate: e.MEDIA_MIN_OUTGOING_BITRATE,
    /** Sockets of one user that may hold media in one room at once. */
    maxSocketsPerUserRoom: e.MAX_SOCKETS_PER_USER_ROOM,
    /**
     * Worker load (routers + consumers) at which a room's new peers spill onto another worker
     * (a new router of the room there, joined to the others by pipeToRouter).
     */
    routerSpillLoad: e.MEDIA_ROUTER_SPILL_LOAD,
    /** Microphones each receiver consumes: the K loudest (issue 19), not every one. */
    audioLoudestK: e.AUDIO_LOUDEST_K,
    /** Open video consumers one peer may hold: consume answers TOO_MANY_CONSUMERS beyond. */
    videoConsumersPerPeerMax: e.VIDEO_CONSUMERS_PER_PEER_MAX,
  };
});
