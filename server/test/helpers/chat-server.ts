import type { AuthResponse } from '@minimeet/shared';
import {
  createAdmin,
  createTestDatabase,
  startServer,
  type DbKind,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { closeAllSockets, http } from './chat-client.js';

/** JWT secret the chat tests' servers use (the tests forge expired tokens with it). */
export const TEST_JWT_SECRET = 'chat-tests-secret-0123456789abcdef';

/** Env for auth/rooms/chat tests: small grace period, limits that a fast test stays under. */
export function chatEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    JWT_SECRET: TEST_JWT_SECRET,
    PRESENCE_GRACE_MS: '300',
    AUTH_RATE_LIMIT: '1000',
    CHAT_RATE_LIMIT: '60',
    CHAT_RATE_WINDOW_MS: '60000',
    MEDIASOUP_WORKERS: '1',
    LOG_LEVEL: 'warn',
    // Tests that count a user's stays in a call see each one (the churn test sets a window).
    CALL_REJOIN_WINDOW_MS: '0',
    ...overrides,
  };
}

export interface ChatTarget {
  db: TestDatabase;
  server: ServerProcess;
  url: string;
  stop(): Promise<void>;
}

/** A fresh database of the given kind and a server on it. */
export async function startChatTarget(
  kind: DbKind,
  overrides: Record<string, string> = {},
): Promise<ChatTarget> {
  const db = await createTestDatabase(kind);
  try {
    const server = await startServer({ env: chatEnv({ DATABASE_URL: db.url, ...overrides }) });
    return {
      db,
      server,
      url: server.url,
      async stop() {
        await server.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

/**
 * One chat target for a describe block: started before its tests (handed to `started`), stopped
 * after them; the test clients' sockets are closed after each test.
 */
export function useChatTarget(kind: DbKind, started: (target: ChatTarget) => void): void {
  let target: ChatTarget | undefined;
  beforeAll(async () => {
    target = await startChatTarget(kind);
    started(target);
  });
  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });
  afterEach(() => closeAllSockets());
}

/** Creates an admin in the target's database (admin CLI) and signs it in. */
export async function signInAdmin(target: Pick<ChatTarget, 'db' | 'url'>, username: string): Promise<AuthResponse> {
  await createAdmin(target.db.url, username, 'admin password');
  const res = await http<AuthResponse>(target.url, 'POST', '/auth/login', {
    body: { username, password: 'admin password' },
  });
  if (res.status !== 200 || res.body.user.role !== 'admin') {
    throw new Error(`admin sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}
