import type { types } from 'mediasoup';
import type { MediaLogger } from './worker-pool.js';

/** Who a WebRtcTransport belongs to, as named in its log lines. */
export interface TransportOwner {
  roomId: number;
  userId: number;
  peerId: string;
  direction: string;
}

/**
 * Logs every ICE and DTLS state change of `transport` with room, user and transport ids, so an
 * operator can see why someone gets no media. Failures are warn: ICE `disconnected`, a transport
 * closed before ICE ever connected (the browser's checks never reached us), and DTLS `failed`
 * (one line saying the handshake failed). Everything else is debug (new/connecting) or info
 * (connected/completed). The listeners go with the transport.
 */
export function logTransportStates(
  transport: types.WebRtcTransport,
  owner: TransportOwner,
  log: MediaLogger,
): void {
  const ids = () => ({
    roomId: owner.roomId,
    userId: owner.userId,
    peerId: owner.peerId,
    transportId: transport.id,
    direction: owner.direction,
  });
  const where = `room ${owner.roomId}, user ${owner.userId}, transport ${transport.id}`;
  let iceConnected = false;

  transport.on('icestatechange', (iceState) => {
    if (iceState === 'connected' || iceState === 'completed') {
      iceConnected = true;
      log.info({ ...ids(), iceState, tuple: tupleOf(transport) }, `ICE ${iceState} (${where})`);
    } else if (iceState === 'disconnected') {
      log.warn({ ...ids(), iceState }, `ICE disconnected (${where})`);
    } else {
      log.debug({ ...ids(), iceState }, `ICE ${iceState} (${where})`);
    }
  });

  transport.on('dtlsstatechange', (dtlsState) => {
    if (dtlsState === 'failed') {
      log.warn(
        {
          ...ids(),
          dtlsState,
          iceState: transport.iceState,
          tuple: tupleOf(transport),
          err: { code: 'DTLS_HANDSHAKE_FAILED' },
        },
        `DTLS handshake failed (${where})`,
      );
    } else if (dtlsState === 'connected') {
      log.info({ ...ids(), dtlsState }, `DTLS connected (${where})`);
    } else {
      log.debug({ ...ids(), dtlsState }, `DTLS ${dtlsState} (${where})`);
    }
  });

  transport.observer.once('close', () => {
    if (iceConnected) {
      log.debug({ ...ids(), iceState: 'closed' }, `ICE closed (${where})`);
      return;
    }
    // mediasoup emits no state change when the transport itself is closed: report here that ICE
    // never got a single valid check, the usual sign of unreachable or unusable candidates.
    log.warn(
      { ...ids(), iceState: 'closed', dtlsState: transport.dtlsState, err: { code: 'ICE_NEVER_CONNECTED' } },
      `ICE closed before it connected (${where})`,
    );
  });
}

/** "udp 203.0.113.5:50000" for the selected ICE tuple, when there is one. */
function tupleOf(transport: types.WebRtcTransport): string | undefined {
  const t = transport.iceSelectedTuple;
  return t ? `${t.protocol} ${t.remoteIp ?? '?'}:${t.remotePort ?? '?'}` : undefined;
}
