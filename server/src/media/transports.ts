import type { types } from 'mediasoup';
import type { PoolWorker } from './worker-pool.js';

/** Where a WebRtcTransport listens: a pool worker's shared WebRtcServer, or its own sockets. */
export type TransportTarget = Pick<PoolWorker, 'webRtcServer'> | { listenInfos: types.TransportListenInfo[] };

export interface WebRtcTransportSettings<T extends types.AppData = types.AppData> {
  appData?: T;
  /** Starting estimate for the downlink in bps (mediasoup default: 600 kbps). */
  initialAvailableOutgoingBitrate?: number;
  /** Cap (bps) on what the remote side may send into the transport; unset: no cap. */
  maxIncomingBitrate?: number;
  /**
   * Floor (bps) of the bandwidth estimate for what the transport sends; unset or 0: mediasoup's
   * 30 kbps. Only for transports that send media to the client.
   */
  minOutgoingBitrate?: number;
}

/**
 * Creates a WebRtcTransport on `router`. With a pool worker it shares that worker's
 * WebRtcServer port (the router must live on the same worker); with listenInfos it
 * binds its own sockets (tests, special setups).
 */
export async function createWebRtcTransport<T extends types.AppData = types.AppData>(
  router: types.Router,
  target: TransportTarget,
  settings: WebRtcTransportSettings<T> = {},
): Promise<types.WebRtcTransport<T>> {
  const common = {
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: settings.initialAvailableOutgoingBitrate ?? 1_000_000,
    ...(settings.appData ? { appData: settings.appData } : {}),
  };
  const transport = await ('webRtcServer' in target
    ? router.createWebRtcTransport<T>({ ...common, webRtcServer: target.webRtcServer })
    : router.createWebRtcTransport<T>({ ...common, listenInfos: target.listenInfos }));
  try {
    if (settings.maxIncomingBitrate !== undefined) {
      await transport.setMaxIncomingBitrate(settings.maxIncomingBitrate);
    }
    if (settings.minOutgoingBitrate) {
      await transport.setMinOutgoingBitrate(settings.minOutgoingBitrate);
    }
  } catch (err) {
    // Without its limits the transport must not be handed out.
    transport.close();
    throw err;
  }
  return transport;
}

/** A transport whose ICE or DTLS has given up: the client may replace it with a new one. */
export function isBroken(transport: types.WebRtcTransport): boolean {
  return (
    transport.iceState === 'disconnected' ||
    transport.iceState === 'closed' ||
    transport.dtlsState === 'failed' ||
    transport.dtlsState === 'closed'
  );
}
