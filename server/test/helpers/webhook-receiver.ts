import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_HEADERS, type WebhookEvent } from '@minimeet/shared';

/** One POST the receiver got, with the status it answered. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  event: WebhookEvent;
  answered: number;
}

/**
 * An HTTP server standing in for a webhook consumer: records every POST and answers 200, or
 * what `answer` says for it (e.g. 500 to make the sender retry), after `delayMs`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (event: WebhookEvent) => number = () => 200;
  /** How long to hold an answer back (a slow receiver), per request. */
  delayMs: (event: WebhookEvent) => number = () => 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as WebhookEvent;
        const answered = this.answer(event);
        this.received.push({ headers: req.headers, body, event, answered });
        setTimeout(() => res.writeHead(answered).end(), this.delayMs(event));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** What the receiver got for one room, in arrival order. */
  forRoom(roomId: number): ReceivedWebhook[] {
    return this.received.filter((r) => r.event.room.id === roomId);
  }
}

/** The receiver-side check documented in README "Webhooks". */
export function signatureValid(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers[WEBHOOK_HEADERS.timestamp] ?? '');
  const given = Buffer.from(String(headers[WEBHOOK_HEADERS.signature] ?? ''));
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  );
  return given.length === expected.length && timingSafeEqual(given, expected);
}
