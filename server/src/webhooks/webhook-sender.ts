import { WEBHOOK_HEADERS } from '@minimeet/shared';
import { signWebhook } from './webhook-signature.js';

export interface SendOutcome {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
}

/** POSTs one event body to one URL, signed; a 2xx answer within the timeout is a delivery. */
export async function sendWebhook(
  url: string,
  body: string,
  meta: { type: string; eventId: string },
  secret: string,
  timeoutMs: number,
): Promise<SendOutcome> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'MiniMeet-Webhooks',
        [WEBHOOK_HEADERS.event]: meta.type,
        [WEBHOOK_HEADERS.delivery]: meta.eventId,
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.signature]: `sha256=${signWebhook(secret, timestamp, body)}`,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The body is not used; reading it frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    const delivered = res.status >= 200 && res.status < 300;
    return { delivered, statusCode: res.status, error: delivered ? null : `HTTP ${res.status}` };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const error = timedOut ? `timeout after ${timeoutMs} ms` : describe(err);
    return { delivered: false, statusCode: null, error: error.slice(0, 500) };
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
