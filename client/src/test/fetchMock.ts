import { vi } from 'vitest';

export interface MockRoute {
  method?: string;
  /** Path under /api, e.g. "/rooms" (query string ignored unless it's in the pattern). */
  path: string | RegExp;
  status?: number;
  body?: unknown;
}

/** Replaces global fetch with a router over canned responses; returns the spy. */
export function mockFetch(routes: MockRoute[]) {
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/api/, '');
    const route = routes.find(
      (r) => (r.method ?? 'GET').toUpperCase() === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path + url.search)),
    );
    if (!route) return new Response(JSON.stringify({ statusCode: 404, error: { code: 'NOT_FOUND', message: `no mock for ${method} ${path}` } }), { status: 404 });
    const status = route.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(route.body ?? {}), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', spy);
  return spy;
}

/** A syntactically valid unsigned JWT with the given exp (seconds). */
export function fakeJwt(exp: number, sub = 1): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp })}.sig`;
}
