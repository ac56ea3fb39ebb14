/**
 * Issue 18 item 3: `npm run admin -- demote|promote` (another process, the database only) reaches
 * the user's open sockets on every server process within seconds: a demoted admin's stats feed
 * stops, its moderation is refused, it leaves the private room it was in only as an admin and
 * can neither rejoin nor read it (that join recorded no membership); a promoted user's open
 * socket may subscribe to the stats without reconnecting. SQLite and MariaDB, two processes.
 */
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type Ack,
  type AuthResponse,
  type RoleChangedEvent,
  type RoomDto,
  type RoomInviteDto,
} from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import {
  connect,
  http,
  okData,
  record,
  registerUser,
  request,
  sleep,
  waitFor,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { useTwoProcesses } from '../helpers/two-processes.js';
import {
  createAdmin,
  DB_KINDS,
  runAdminCli,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';

const STATS_INTERVAL_MS = 300;
/** Role sync runs every 2 s on each node; this leaves room for a loaded machine. */
const SOON_MS = 10_000;

function codeOf(ack: Ack<unknown>): string {
  return ack.ok ? 'ok' : ack.error.code;
}

describe.each(DB_KINDS)('privilege changes reach open sockets (%s)', (kind) => {
  let db: TestDatabase;
  let one: ServerProcess;
  let two: ServerProcess;
  useTwoProcesses(kind, (p) => ({ db, one, two } = p), {
    env: { ADMIN_STATS_INTERVAL_MS: String(STATS_INTERVAL_MS) },
  });

  async function signIn(username: string, password: string): Promise<AuthResponse> {
    const res = await http<AuthResponse>(one.url, 'POST', '/auth/login', { body: { username, password } });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function cli(command: 'promote' | 'demote', username: string): Promise<void> {
    const res = await runAdminCli([command, username], { databaseUrl: db.url });
    expect(res.code, res.stderr).toBe(0);
  }

  async function privateRoom(owner: AuthResponse): Promise<{ room: RoomDto; inviteToken: string }> {
    const created = await http<RoomDto>(one.url, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { name: 'private', visibility: 'private' },
    });
    expect(created.status).toBe(201);
    const invite = await http<RoomInviteDto>(one.url, 'GET', `/rooms/${created.body.id}/invite`, {
      token: owner.accessToken,
    });
    return { room: created.body, inviteToken: invite.body.inviteToken };
  }

  it('demote: stats stop and powers end on open sockets of both processes; the admin-only join leaves no access', async () => {
    const adminName = `demoted_${kind}`;
    await createAdmin(db.url, adminName, 'admin password');
    const admin = await signIn(adminName, 'admin password');
    expect(admin.user.role).toBe('admin');
    const owner = await registerUser(one.url, 'owner');
    const member = await registerUser(two.url, 'member');
    const stranger = await registerUser(one.url, 'stranger');
    const { room, inviteToken } = await privateRoom(owner);

    const memberSocket = await connect(two.url, member.accessToken);
    okData(await request(memberSocket, 'joinRoom', { roomId: room.id, inviteToken }));
    okData(
      await request(memberSocket, 'sendMessage', {
        roomId: room.id,
        content: 'members only',
        clientMessageId: randomUUID(),
      }),
    );

    // The admin: one socket per process, both on the stats feed; the first one in the room.
    const here = await connect(one.url, admin.accessToken);
    const there = await connect(two.url, admin.accessToken);
    const sockets: ClientSocket[] = [here, there];
    const stats = sockets.map((s) => record(s, 'admin:stats'));
    const roleChanges = sockets.map((s) => record(s, 'roleChanged'));
    for (const s of sockets) okData(await request(s, 'admin:subscribe', {}));
    await waitFor(() => stats.every((list) => list.length > 0), SOON_MS, 'stats on both processes');
    okData(await request(here, 'joinRoom', { roomId: room.id }));
    // While an admin it reads the room (the role, not a membership, allows it).
    expect(okData(await request(here, 'loadMessageHistory', { roomId: room.id })).messages).toHaveLength(1);
    const removedFromRoom = record(here, 'removedFromRoom');

    await cli('demote', adminName);
    await waitFor(
      () => roleChanges.every((list) => list.length > 0),
      SOON_MS,
      'roleChanged on both processes',
    );
    expect(roleChanges[0]).toEqual([{ role: 'user', leftRoomIds: [room.id] } satisfies RoleChangedEvent]);
    expect(roleChanges[1]).toEqual([{ role: 'user', leftRoomIds: [] } satisfies RoleChangedEvent]);
    expect(removedFromRoom).toEqual([]);
    expect(here.connected && there.connected).toBe(true);

    // The feed has stopped on both processes.
    const counts = stats.map((list) => list.length);
    await sleep(STATS_INTERVAL_MS * 4);
    expect(stats.map((list) => list.length)).toEqual(counts);
    expect(codeOf(await request(there, 'admin:subscribe', {}))).toBe(ErrorCode.FORBIDDEN);

    // No moderation from the open sockets, whatever the handshake said: the private room is
    // now missing to it, as to any non-member.
    for (const s of sockets) {
      expect(
        codeOf(
          await request(s, 'muteParticipant', { roomId: room.id, userId: member.user.id, source: 'mic' }),
        ),
      ).toBe(ErrorCode.NOT_FOUND);
      expect(codeOf(await request(s, 'removeParticipant', { roomId: room.id, userId: member.user.id }))).toBe(
        ErrorCode.NOT_FOUND,
      );
      expect(codeOf(await request(s, 'endCall', { roomId: room.id }))).toBe(ErrorCode.NOT_FOUND);
    }
    // It is no longer in the room; the member still is.
    expect(
      codeOf(
        await request(here, 'sendMessage', { roomId: room.id, content: 'x', clientMessageId: randomUUID() }),
      ),
    ).toBe(ErrorCode.NOT_IN_ROOM);
    const present = okData(await request(memberSocket, 'loadMessageHistory', { roomId: room.id }));
    expect(present.messages).toHaveLength(1);

    // Joining and reading answer exactly what a stranger gets.
    const strangerSocket = await connect(one.url, stranger.accessToken);
    for (const [event, payload] of [
      ['joinRoom', { roomId: room.id }],
      ['loadMessageHistory', { roomId: room.id }],
    ] as const) {
      const strangers = await request(strangerSocket, event, payload);
      expect(strangers.ok).toBe(false);
      for (const s of sockets) expect(codeOf(await request(s, event, payload))).toBe(codeOf(strangers));
    }
    const asStranger = await http(one.url, 'GET', `/rooms/${room.id}/messages`, {
      token: stranger.accessToken,
    });
    const asDemoted = await http(one.url, 'GET', `/rooms/${room.id}/messages`, { token: admin.accessToken });
    expect(asStranger.status).toBeGreaterThanOrEqual(400);
    expect([asDemoted.status, asDemoted.body]).toEqual([asStranger.status, asStranger.body]);
    // The still-valid access token carries no admin rights either.
    expect((await http(two.url, 'GET', '/admin/calls', { token: admin.accessToken })).status).toBe(403);
    expect((await http(one.url, 'DELETE', `/rooms/${room.id}`, { token: admin.accessToken })).status).toBe(
      404,
    );

    // Promoted back: the feed it had asked for resumes on both sockets, without a reconnect.
    await cli('promote', adminName);
    await waitFor(
      () => roleChanges.every((list) => list.length === 2),
      SOON_MS,
      'promotion on both processes',
    );
    expect(roleChanges.map((list) => list[1])).toEqual([
      { role: 'admin', leftRoomIds: [] },
      { role: 'admin', leftRoomIds: [] },
    ]);
    const before = stats.map((list) => list.length);
    await waitFor(() => stats.every((list, i) => list.length > before[i]!), SOON_MS, 'stats resumed');
  });

  it('promote: an open socket of a plain user gets the stats feed without reconnecting', async () => {
    const user = await registerUser(one.url, 'promoted');
    const here = await connect(one.url, user.accessToken);
    const there = await connect(two.url, user.accessToken);
    const sockets = [here, there];
    const ids = sockets.map((s) => s.id);
    const roleChanges = sockets.map((s) => record(s, 'roleChanged'));
    const stats = sockets.map((s) => record(s, 'admin:stats'));
    for (const s of sockets)
      expect(codeOf(await request(s, 'admin:subscribe', {}))).toBe(ErrorCode.FORBIDDEN);

    await cli('promote', user.user.username);
    await waitFor(
      () => roleChanges.every((list) => list.length > 0),
      SOON_MS,
      'roleChanged on both processes',
    );
    for (const list of roleChanges) expect(list).toEqual([{ role: 'admin', leftRoomIds: [] }]);
    for (const s of sockets) okData(await request(s, 'admin:subscribe', {}));
    await waitFor(() => stats.every((list) => list.length > 0), SOON_MS, 'stats on both processes');
    expect(sockets.map((s) => s.id)).toEqual(ids);
    expect(sockets.every((s) => s.connected)).toBe(true);
  });
});
