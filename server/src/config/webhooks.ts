import { z } from 'zod';
import { commaList, intInRange, refuse } from './env-fields.js';

/** Webhooks (see server/src/webhooks): where call events are POSTed and how deliveries retry. */
export const webhooksEnv = z.object({
  WEBHOOK_URLS: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  WEBHOOK_MAX_ATTEMPTS: intInRange('WEBHOOK_MAX_ATTEMPTS', 6, 1, 20),
  WEBHOOK_RETRY_BASE_MS: intInRange('WEBHOOK_RETRY_BASE_MS', 5000, 10, 600_000),
  WEBHOOK_TIMEOUT_MS: intInRange('WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
});

export const webhooksSection = webhooksEnv.transform((e, ctx) => {
  const urls = commaList(e.WEBHOOK_URLS ?? '');
  for (const url of urls) {
    if (!isHttpUrl(url)) return refuse(ctx, `WEBHOOK_URLS: "${url.slice(0, 60)}" is not an http(s) URL`);
  }
  if (urls.length && (e.WEBHOOK_SECRET ?? '').length < 16) {
    return refuse(ctx, 'WEBHOOK_SECRET: required (16+ characters) when WEBHOOK_URLS is set');
  }
  return {
    webhooks: {
      /** Every event goes to each of these, in order per room and URL. */
      urls,
      /** HMAC-SHA256 key of the X-MiniMeet-Signature header. */
      secret: e.WEBHOOK_SECRET ?? '',
      /** Attempts per delivery before it is marked failed and the room's next event goes. */
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      /** Delay after the first failure; doubled after each further one (5 s → 155 s over 6 attempts). */
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      /** A receiver that has not answered within this counts as a failed attempt. */
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
  };
});

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
