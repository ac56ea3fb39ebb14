import type { types } from 'mediasoup';
import type { PoolWorker } from './worker-pool.js';

/** Where a WebRtcTransport listens: a pool worker's shared WebRtcServer, or its own sockets. */
export type TransportTarget = Pick<PoolWorker, 'webRtcServer'> | { listenInfos: types.TransportListenInfo[] };

export interface WebRtcTransportSettings<T extends types.AppData = types.AppData> {
  appData?: T;
  /** Starting estimate for the downlink in bps (mediasoup default: 600 kbps). */
  initialAvailableOutgoingBitrate?: number;
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
  return 'webRtcServer' in target
    ? router.createWebRtcTransport<T>({ ...common, webRtcServer: target.webRtcServer })
    : router.createWebRtcTransport<T>({ ...common, listenInfos: target.listenInfos });
}
