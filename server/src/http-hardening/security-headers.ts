import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the built client needs and nothing more: its own scripts and styles (React style props
 * need 'unsafe-inline' styles), camera/screen streams as blob:/mediastream:, Socket.IO to its own
 * origin ('self' covers same-origin ws:/wss: in CSP 3), no framing by anyone.
 */
export const CONTENT_SECURITY_POLICY = [
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
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
};

/** Express middleware: security headers on every response (API, static files, errors). */
export function securityHeaders() {
  return (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
    next();
  };
}
