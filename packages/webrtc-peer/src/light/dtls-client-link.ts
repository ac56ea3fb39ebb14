/**
 * The DTLS client handshake over the light receiver's UDP socket, with werift's DtlsClient (the
 * one its RTCPeerConnection uses). It only has to complete: mediasoup derives its SRTP keys
 * from it and starts sending. The keys are never extracted here; the SRTP profile is offered
 * so mediasoup accepts the handshake (use_srtp is mandatory for WebRTC transports).
 */
import type { AddressInfo } from 'node:net';
import {
  DtlsClient,
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RTCDtlsTransport,
  type RTCCertificate,
  type Transport,
} from 'werift';
import type { DtlsFingerprint } from '@minimeet/shared';

/** One self-signed ECDSA certificate per process (werift caches it), as a browser reuses its own. */
export function lightCertificate(): Promise<RTCCertificate> {
  return RTCDtlsTransport.SetupCertificate();
}

export function fingerprintsOf(cert: RTCCertificate): DtlsFingerprint[] {
  return cert.getFingerprints().map((f) => ({ algorithm: f.algorithm, value: f.value }));
}

/** werift's Transport over a send function; DtlsSocket installs its own `onData`. */
class DatagramTransport implements Transport {
  readonly type = 'udp';
  readonly address = {} as AddressInfo;
  closed = false;
  onData: Transport['onData'] = () => undefined;
  constructor(private readonly sendDatagram: (data: Buffer) => void) {}
  send = (data: Buffer): Promise<void> => {
    if (!this.closed) this.sendDatagram(data);
    return Promise.resolve();
  };
  close = (): Promise<void> => {
    this.closed = true;
    return Promise.resolve();
  };
}

export class DtlsClientLink {
  private readonly transport: DatagramTransport;
  private readonly client: DtlsClient;
  connected = false;
  /** Ends a handshake in progress (close() during connect). */
  private abortConnect: ((err: Error) => void) | undefined;

  constructor(cert: RTCCertificate, send: (data: Buffer) => void) {
    this.transport = new DatagramTransport(send);
    this.client = new DtlsClient({
      transport: this.transport,
      cert: cert.certPem,
      key: cert.privateKey,
      signatureHash: cert.signatureHash,
      srtpProfiles: [ProtectionProfileAes128CmHmacSha1_80, ProtectionProfileAeadAes128Gcm],
      extendedMasterSecret: true,
    });
  }

  /** Runs the handshake; rejects on a DTLS error or after `timeoutMs`. */
  connect(timeoutMs = 10_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.abortConnect = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      const timer = setTimeout(
        () => reject(new Error(`DTLS: no handshake within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.client.onConnect.once(() => {
        clearTimeout(timer);
        this.connected = true;
        resolve();
      });
      this.client.onError.once((err) => {
        clearTimeout(timer);
        reject(new Error(`DTLS: ${err.message}`));
      });
      this.client.connect().catch((err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  /** A DTLS record from the server. */
  handle(data: Buffer): void {
    this.transport.onData(data, ['', 0]);
  }

  close(): void {
    if (this.transport.closed) return;
    if (!this.connected) this.abortConnect?.(new Error('DTLS: closed'));
    this.abortConnect = undefined;
    this.client.close();
    void this.transport.close();
  }
}
