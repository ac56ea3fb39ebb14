import { ErrorCode, type ApiErrorBody, type AuthResponse } from '@minimeet/shared';
import {
  createAdmin,
  createTestDatabase,
  startServer,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import type { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { expect } from 'vitest';
import { closeAllSockets, http, uniqueName, type HttpResult } from './chat-client.js';

/**
 * Setup shared by the media and admin endpoint tests: the built server on a fresh SQLite database
 * (for tests with no database-specific behaviour), a logged-in admin, and the teardown of peers,
 * sockets, server and database.
 */

/** A fresh SQLite database and the built server on it, with `env` added. */
export async function startSqliteServer(
  env: Record<string, string>,
): Promise<{ db: TestDatabase; server: ServerProcess }> {
  const db = await createTestDatabase('sqlite');
  const server = await startServer({ env: { DATABASE_URL: db.url, ...env } });
  return { db, server };
}

/** Creates an admin through the admin CLI and logs it in; the login response as the server sent it. */
export async function loginNewAdmin(
  serverUrl: string,
  dbUrl: string,
  password: string,
): Promise<HttpResult<AuthResponse>> {
  const adminName = uniqueName('admin');
  await createAdmin(dbUrl, adminName, password);
  return http<AuthResponse>(serverUrl, 'POST', '/auth/login', {
    body: { username: adminName, password },
  });
}

/** Closes the peers and bots (in order), every test socket, the server and its database. */
export async function closeMediaTest(
  peers: ReadonlyArray<{ close(): Promise<unknown> }>,
  server: ServerProcess | undefined,
  db: TestDatabase | undefined,
): Promise<void> {
  for (const p of peers) await p.close();
  closeAllSockets();
  await server?.stop();
  await db?.drop();
}

/** An admin-only GET: 401 UNAUTHORIZED without a token, 403 FORBIDDEN with a plain user's. */
export async function expectAdminOnlyGet(baseUrl: string, path: string, userToken: string): Promise<void> {
  const anonymous = await http<ApiErrorBody>(baseUrl, 'GET', path);
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.error.code).toBe(ErrorCode.UNAUTHORIZED);
  const plain = await http<ApiErrorBody>(baseUrl, 'GET', path, { token: userToken });
  expect(plain.status).toBe(403);
  expect(plain.body.error.code).toBe(ErrorCode.FORBIDDEN);
}

/**
 * Whether a sender's camera is arriving at its node (the layers the server receives, from the
 * producer's own stats): its packet count grows within a second.
 */
export async function cameraArriving(sender: MiniMeetPeer, roomId: number): Promise<boolean> {
  const packets = async () => {
    const stats = await sender.request('getMediaStats', { roomId });
    const layers = stats.producers.find((p) => p.source === 'camera')?.layers ?? [];
    return layers.reduce((n, l) => n + l.packetCount, 0);
  };
  const before = await packets();
  await new Promise((r) => setTimeout(r, 1000));
  return (await packets()) > before;
}
