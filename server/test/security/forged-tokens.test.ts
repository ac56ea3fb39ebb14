// A server started the way `npm start` starts it (no JWT_SECRET, NODE_ENV unset) must accept no
// token signed with anything found in the repository: it signs with a random secret of its own,
// kept in its data directory (0600) so that a restart does not sign everyone out.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOCKET_UNAUTHORIZED, type AuthResponse, type UserDto } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAdmin,
  createTestDatabase,
  DB_KINDS,
  startServer,
  type EnvOverrides,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { closeAllSockets, connect, http, registerUser } from '../helpers/chat-client.js';
import { secretCandidatesInRepo } from '../helpers/repo-secrets.js';
import { forgeToken } from '../helpers/tokens.js';

const OLD_DEV_SECRET = 'minimeet-dev-secret-change-me';

describe.each(DB_KINDS)('no known secret signs tokens (%s)', (kind) => {
  let db: TestDatabase;
  let dataDir: string | undefined;
  let env: EnvOverrides;
  let server: ServerProcess;
  let plain: AuthResponse;
  let admin: AuthResponse;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // SQLite: the default data dir is the database file's directory. MySQL would default to
    // ./data under the server's cwd, so the test gives it a private one.
    dataDir = kind === 'mariadb' ? mkdtempSync(path.join(os.tmpdir(), 'minimeet-data-')) : undefined;
    env = {
      NODE_ENV: undefined,
      JWT_SECRET: undefined,
      DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info',
      MEDIASOUP_WORKERS: '1',
      AUTH_RATE_LIMIT: '1000',
      // Hundreds of forged /auth/me calls a minute: the REST throttle must not answer for the auth check.
      REST_RATE_LIMIT: '1000000',
    };
    server = await startServer({ env });
    plain = await registerUser(server.url, 'plain');
    await createAdmin(db.url, 'forged_admin', 'admin password 1');
    const login = await http<AuthResponse>(server.url, 'POST', '/auth/login', {
      body: { username: 'forged_admin', password: 'admin password 1' },
    });
    expect(login.status).toBe(200);
    admin = login.body;
    expect(admin.user.role).toBe('admin');
  });

  afterAll(async () => {
    closeAllSockets();
    await server?.stop();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function secretFile(): string {
    const line = server.logLines().find((l) => typeof l.jwtSecretFile === 'string');
    expect(line, 'the server logs where its generated secret lives').toBeDefined();
    return line!.jwtSecretFile as string;
  }

  it('logs once where the generated secret lives; the file is private (0600)', () => {
    const file = secretFile();
    const expectedDir = dataDir ?? path.dirname(db.url.slice('sqlite:'.length));
    expect(file).toBe(path.join(expectedDir, 'jwt-secret'));
    expect(server.logLines().filter((l) => typeof l.jwtSecretFile === 'string')).toHaveLength(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses tokens signed with every secret-looking string in the repository', async () => {
    const candidates = [...new Set([OLD_DEV_SECRET, ...secretCandidatesInRepo()])];
    // The scan must find the obvious ones, or it is not scanning.
    expect(candidates).toEqual(
      expect.arrayContaining(['chat-tests-secret-0123456789abcdef', 'e2e-secret-e2e-secret-e2e-secret-e2e']),
    );
    const now = Math.floor(Date.now() / 1000);
    const victims: UserDto[] = [plain.user, admin.user];
    let refused = 0;
    for (const secret of candidates) {
      for (const user of victims) {
        const base = { sub: user.id, username: user.username, iat: now, exp: now + 600 };
        for (const claims of [base, { ...base, ver: 0, typ: 'access' }]) {
          const res = await http(server.url, 'GET', '/auth/me', { token: forgeToken(claims, secret) });
          expect(res.status, `secret ${JSON.stringify(secret)} for ${user.username}`).toBe(401);
          refused += 1;
        }
      }
      // The socket handshake checks the same way (one socket per secret keeps this quick).
      const adminClaims = {
        sub: admin.user.id,
        username: admin.user.username,
        ver: 0,
        typ: 'access',
        iat: now,
        exp: now + 600,
      };
      await expect(connect(server.url, forgeToken(adminClaims, secret))).rejects.toThrow(SOCKET_UNAUTHORIZED);
    }
    expect(refused).toBe(candidates.length * 4);
    // The real tokens still work: the refusals are about the secret, not the claims.
    expect(
      (await http<UserDto>(server.url, 'GET', '/auth/me', { token: admin.accessToken })).body,
    ).toMatchObject({
      id: admin.user.id,
      role: 'admin',
    });
  });

  it('a restart on the same data directory keeps the secret: tokens stay valid', async () => {
    const file = secretFile();
    await server.stop();
    server = await startServer({ env });
    expect(secretFile()).toBe(file);
    const me = await http<UserDto>(server.url, 'GET', '/auth/me', { token: plain.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(plain.user.id);
    const socket = await connect(server.url, admin.accessToken);
    expect(socket.connected).toBe(true);
  });
});
