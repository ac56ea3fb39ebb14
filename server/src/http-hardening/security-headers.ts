import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the built client needs and nothing more: its own scripts and styles (React style props
 * need 'unsafe-inline' styles), camera/screen streams as blob:/mediastream:, Socket.IO to its own
 * origin ('self' covers same-origin ws:/wss: in CSP 3). `frame-ancestors` is added per path.
 */
const CSP_WITHOUT_FRAMING = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** No framing by anyone: every path but the embed page. */
export const CONTENT_SECURITY_POLICY = `${CSP_WITHOUT_FRAMING}; frame-ancestors 'none'`;

const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
};

/** The embed call page (and its helper script): the only paths another site may frame. */
const EMBED_PATHS = /^\/embed(\/|$)/;

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Express middleware: security headers on every response (API, static files, errors). Under
 * /embed/ the CSP lets `embedAllowedOrigins` (exact origins, validated at startup) frame the page
 * and X-Frame-Options is left out (it cannot name origins, and DENY would override the CSP in old
 * browsers); with no allowed origin /embed/ is as closed as everything else.
 */
export function securityHeaders(opts: { embedAllowedOrigins: readonly string[] }) {
  const embedCsp = opts.embedAllowedOrigins.length
    ? `${CSP_WITHOUT_FRAMING}; frame-ancestors ${opts.embedAllowedOrigins.join(' ')}`
    : null;
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
    if (embedCsp && EMBED_PATHS.test(pathOf(req))) {
      res.setHeader('Content-Security-Policy', embedCsp);
    } else {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    next();
  };
}
