/**
 * The controlling side of ICE against mediasoup's ICE-lite WebRtcTransport, reduced to what a
 * receiver on a reachable address needs: STUN binding requests with the transport's ICE
 * credentials (USERNAME remote:local, MESSAGE-INTEGRITY with the remote password, FINGERPRINT,
 * ICE-CONTROLLING, USE-CANDIDATE) to one server candidate until answered, then consent
 * freshness (RFC 7675) every few seconds so mediasoup keeps the tuple. No candidate gathering:
 * the server answers from the address our socket has; no TURN, no ICE restart.
 */
import { randomBytes } from 'node:crypto';
import { classes, Message, methods, parseMessage } from 'werift';
import type { IceParameters } from '@minimeet/shared';

export interface IceLiteClientOptions {
  /** Sends a datagram to the selected server candidate. */
  send: (data: Buffer) => void;
  remote: IceParameters;
  /** Retransmit the first check this often until it is answered. */
  checkIntervalMs?: number;
  /** Give up connecting after this long. */
  connectTimeoutMs?: number;
  /** Consent freshness: a binding request this often once connected (RFC 7675: ~5 s). */
  consentIntervalMs?: number;
  /** Consent is lost when no answer arrives for this long (RFC 7675: 30 s). */
  consentTimeoutMs?: number;
  onConsentLost?: () => void;
}

/** A priority as a peer-reflexive candidate would have it (RFC 8445 §5.1.2.1, type pref 110). */
const PRFLX_PRIORITY = (110 << 24) | (65535 << 8) | 255;

export class IceLiteClient {
  readonly localUfrag = randomBytes(6).toString('hex');
  private readonly tieBreaker = randomBytes(8).readBigUInt64BE(0);
  private readonly pending = new Set<string>();
  private connectTimer: NodeJS.Timeout | undefined;
  private consentTimer: NodeJS.Timeout | undefined;
  private lastAnswerAt = 0;
  private settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
  connected = false;
  closed = false;
  /** Binding requests sent / answered (consent included). */
  requestsSent = 0;
  answers = 0;

  constructor(private readonly o: IceLiteClientOptions) {}

  /** Resolves on the first answered check (mediasoup then selects this tuple). */
  connect(): Promise<void> {
    const interval = this.o.checkIntervalMs ?? 100;
    const timeout = this.o.connectTimeoutMs ?? 10_000;
    const started = Date.now();
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      const attempt = () => {
        if (this.connected || this.closed) return;
        if (Date.now() - started > timeout) {
          this.settle = undefined;
          reject(new Error(`ICE: no answer from the server candidate within ${timeout} ms`));
          return;
        }
        this.sendCheck();
        this.connectTimer = setTimeout(attempt, interval);
      };
      attempt();
    });
  }

  /** Handles a STUN datagram from the server. */
  handle(data: Buffer): void {
    const msg = parseMessage(data, Buffer.from(this.o.remote.password, 'utf8'));
    if (!msg || msg.messageMethod !== methods.BINDING) return;
    const id = msg.transactionIdHex;
    if (!this.pending.delete(id)) return;
    if (msg.messageClass !== classes.RESPONSE) return;
    this.answers++;
    this.lastAnswerAt = Date.now();
    if (!this.connected) {
      this.connected = true;
      clearTimeout(this.connectTimer);
      this.startConsent();
      this.settle?.resolve();
      this.settle = undefined;
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.connectTimer);
    clearInterval(this.consentTimer);
    this.pending.clear();
    this.settle?.reject(new Error('ICE: closed'));
    this.settle = undefined;
  }

  private startConsent(): void {
    const every = this.o.consentIntervalMs ?? 5_000;
    const lostAfter = this.o.consentTimeoutMs ?? 30_000;
    this.consentTimer = setInterval(() => {
      if (Date.now() - this.lastAnswerAt > lostAfter) {
        clearInterval(this.consentTimer);
        this.o.onConsentLost?.();
        return;
      }
      // Old unanswered transactions are not kept forever.
      if (this.pending.size > 16) this.pending.clear();
      this.sendCheck();
    }, every);
  }

  private sendCheck(): void {
    const request = new Message(methods.BINDING, classes.REQUEST);
    request
      .setAttribute('USERNAME', `${this.o.remote.usernameFragment}:${this.localUfrag}`)
      .setAttribute('PRIORITY', PRFLX_PRIORITY)
      .setAttribute('ICE-CONTROLLING', this.tieBreaker)
      .setAttribute('USE-CANDIDATE', null)
      .addMessageIntegrity(Buffer.from(this.o.remote.password, 'utf8'))
      .addFingerprint();
    this.pending.add(request.transactionIdHex);
    this.requestsSent++;
    this.o.send(request.bytes);
  }
}
