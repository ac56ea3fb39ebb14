import { z } from 'zod';
import { commaList, refuse } from './env-fields.js';

/** Embedding (see server/src/embed): which sites may put the call page in an iframe. */
export const embedEnv = z.object({
  EMBED_ALLOWED_ORIGINS: z.string().optional(),
});

export const embedSection = embedEnv.transform((e, ctx) => {
  const origins = commaList(e.EMBED_ALLOWED_ORIGINS ?? '');
  for (const origin of origins) {
    if (!isExactOrigin(origin)) {
      return refuse(
        ctx,
        `EMBED_ALLOWED_ORIGINS: "${origin.slice(0, 80)}" is not an exact origin (scheme://host[:port], no path, no wildcard)`,
      );
    }
  }
  return {
    /**
     * Exact origins that may frame /embed/* (CSP frame-ancestors) and send its postMessage
     * commands; empty: nobody (frame-ancestors 'none', as everywhere else).
     */
    embedAllowedOrigins: [...new Set(origins)],
  };
});

/**
 * `https://lms.example.com` or `http://127.0.0.1:8080`: what `new URL(x).origin` gives back
 * unchanged, and no `*` (URL accepts it in a host name; CSP would read it as a wildcard).
 */
function isExactOrigin(raw: string): boolean {
  if (raw.includes('*')) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === raw;
  } catch {
    return false;
  }
}
