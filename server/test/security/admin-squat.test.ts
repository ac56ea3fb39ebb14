// Admin rights live in the database. ADMIN_USERNAMES can no longer be squatted (its names
// cannot be registered) and only promotes existing accounts at start; `npm run admin` makes
// and unmakes admins, and a running server sees the change on the next request.
import { ErrorCode, type ApiErrorBody, type AuthResponse, type UserDto } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DB_KINDS,
  runAdminCli,
  startServer,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';
import { http, registerUser } from '../helpers/chat-client.js';
import { chatEnv } from '../helpers/chat-server.js';

const BOSS_PASSWORD = 'the real boss password';

describe.each(DB_KINDS)('admin accounts (%s)', (kind) => {
  let db: TestDatabase;
  let server: ServerProcess;
  const cli = (args: string[], stdin?: string) => runAdminCli(args, { databaseUrl: db.url, stdin });
  const me = (token: string) => http<UserDto>(server.url, 'GET', '/auth/me', { token });
  const adminRoute = (token: string) => http(server.url, 'GET', '/admin/calls', { token });

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startServer({ env: chatEnv({ DATABASE_URL: db.url, ADMIN_USERNAMES: 'boss' }) });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('nobody can register a name listed in ADMIN_USERNAMES, in any case', async () => {
    for (const username of ['boss', 'BOSS', 'Boss']) {
      const res = await http<ApiErrorBody>(server.url, 'POST', '/auth/register', {
        body: { username, password: 'squatter password' },
      });
      expect(res.status, username).toBe(403);
      expect(res.body.error.code).toBe(ErrorCode.FORBIDDEN);
      expect(res.body.error.message).toMatch(/reserved/);
    }
    const login = await http(server.url, 'POST', '/auth/login', {
      body: { username: 'boss', password: 'squatter password' },
    });
    expect(login.status).toBe(401);
  });

  it('`npm run admin -- create boss` makes the admin; the running server lets boss in as admin', async () => {
    const created = await cli(['create', 'boss'], `${BOSS_PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created admin boss \(id \d+\)$/m);
    const login = await http<AuthResponse>(server.url, 'POST', '/auth/login', {
      body: { username: 'boss', password: BOSS_PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('admin');
    expect((await adminRoute(login.body.accessToken)).status).toBe(200);

    const again = await cli(['create', 'boss', '--password-stdin'], `${BOSS_PASSWORD}\n`);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('admin: user "boss" already exists (use: promote boss)');
  });

  it("promote and demote take effect on the user's next request; list shows the admins", async () => {
    const alice = await registerUser(server.url, 'alice');
    expect((await me(alice.accessToken)).body.role).toBe('user');
    expect((await adminRoute(alice.accessToken)).status).toBe(403);

    const promoted = await cli(['promote', alice.user.username]);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout.trim()).toBe(`${alice.user.username} is now an admin`);
    expect((await me(alice.accessToken)).body.role).toBe('admin');
    expect((await adminRoute(alice.accessToken)).status).toBe(200);

    const list = await cli(['list']);
    expect(list.code).toBe(0);
    const names = list.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[1]);
    expect(names).toEqual(expect.arrayContaining(['boss', alice.user.username]));

    const demoted = await cli(['demote', alice.user.username]);
    expect(demoted.code).toBe(0);
    expect(demoted.stdout.trim()).toBe(`${alice.user.username} is now a plain user`);
    expect((await me(alice.accessToken)).body.role).toBe('user');
    expect((await adminRoute(alice.accessToken)).status).toBe(403);
    expect((await cli(['list'])).stdout).not.toContain(alice.user.username);
  });

  it('bad input: one line on stderr and a non-zero exit', async () => {
    const cases: Array<[string[], string | undefined, number, RegExp]> = [
      [['promote', 'nobody_here'], undefined, 1, /^admin: no user "nobody_here"$/],
      [['demote', 'nobody_here'], undefined, 1, /^admin: no user "nobody_here"$/],
      [['create', 'bad name!'], 'long enough password\n', 1, /^admin: bad username "bad name!"/],
      [['create', 'shortpw'], 'short\n', 1, /^admin: password must be 8-128 characters$/],
      [['frobnicate'], undefined, 2, /^admin: unknown command frobnicate$/],
      [[], undefined, 2, /^admin: no command$/],
    ];
    for (const [args, stdin, code, message] of cases) {
      const res = await cli(args, stdin);
      expect(res.code, args.join(' ')).toBe(code);
      expect(res.stderr.split('\n')[0]).toMatch(message);
    }
  });

  it('ADMIN_USERNAMES promotes existing accounts at start (and only those)', async () => {
    const carol = await registerUser(server.url, 'carol');
    await server.stop();
    server = await startServer({
      env: chatEnv({
        DATABASE_URL: db.url,
        ADMIN_USERNAMES: `boss, ${carol.user.username.toUpperCase()}, ghost`,
      }),
    });
    expect((await me(carol.accessToken)).body.role).toBe('admin');
    // "ghost" has no account: it was not created, and it stays reserved.
    const ghost = await http(server.url, 'POST', '/auth/register', {
      body: { username: 'ghost', password: 'ghost password' },
    });
    expect(ghost.status).toBe(403);
  });
});
