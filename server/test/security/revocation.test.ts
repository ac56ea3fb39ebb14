// Password change, logout-all and account removal revoke every token of the user and close
// every socket of the user within seconds, on this process and on another one sharing Redis.
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  type ApiErrorBody,
  type AuthResponse,
  type ChatMessage,
  type MessagePage,
} from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createRoom,
  http,
  okData,
  record,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { useTwoProcesses } from '../helpers/two-processes.js';
import { DB_KINDS, type ServerProcess } from '@minimeet/test-harness';
import { endedBecause, watchSessionEnd } from '../helpers/session-end.js';

const PASSWORD = 'correct horse battery';
const SOON_MS = 5000;

describe.each(DB_KINDS)('revocation across two server processes (%s)', (kind) => {
  let one: ServerProcess;
  let two: ServerProcess;
  useTwoProcesses(kind, (p) => ({ one, two } = p));

  /** A user with one socket on each process, plus a bystander socket that must stay. */
  async function userOnBothProcesses(name: string) {
    const user = await registerUser(one.url, name);
    const here = await connect(one.url, user.accessToken);
    const there = await connect(two.url, user.accessToken);
    const bystander = await registerUser(two.url, `${name}_other`);
    const bystanderSocket = await connect(two.url, bystander.accessToken);
    return {
      user,
      here: { socket: here, watch: watchSessionEnd(here) },
      there: { socket: there, watch: watchSessionEnd(there) },
      bystander: { ...bystander, socket: bystanderSocket },
    };
  }

  async function expectRevoked(user: AuthResponse) {
    for (const server of [one, two]) {
      expect((await http(server.url, 'GET', '/auth/me', { token: user.accessToken })).status).toBe(401);
      await expect(connect(server.url, user.accessToken)).rejects.toThrow('unauthorized');
    }
    expect(
      (await http(one.url, 'POST', '/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(401);
  }

  const login = (username: string, password: string) =>
    http<AuthResponse>(one.url, 'POST', '/auth/login', { body: { username, password } });

  it('password change: every socket (both processes) ends, old tokens are refused, the caller gets a working pair', async () => {
    const { user, here, there, bystander } = await userOnBothProcesses('pw');
    const wrong = await http<ApiErrorBody>(one.url, 'POST', '/auth/password', {
      token: user.accessToken,
      body: { currentPassword: 'not my password', newPassword: 'a brand new password' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe(ErrorCode.FORBIDDEN);
    expect(here.socket.connected && there.socket.connected).toBe(true);

    const changed = await http<AuthResponse>(one.url, 'POST', '/auth/password', {
      token: user.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'a brand new password' },
    });
    expect(changed.status).toBe(200);
    await waitFor(() => endedBecause(here.watch, 'revoked'), SOON_MS, 'socket on this process');
    await waitFor(() => endedBecause(there.watch, 'revoked'), SOON_MS, 'socket on the other process');
    expect(bystander.socket.connected).toBe(true);
    await expectRevoked(user);

    // The fresh pair works on both processes; only the new password signs in.
    for (const server of [one, two]) {
      expect((await http(server.url, 'GET', '/auth/me', { token: changed.body.accessToken })).status).toBe(
        200,
      );
      expect((await connect(server.url, changed.body.accessToken)).connected).toBe(true);
    }
    expect((await login(user.user.username, PASSWORD)).status).toBe(401);
    expect((await login(user.user.username, 'a brand new password')).status).toBe(200);
  });

  it('logout-all: every socket ends (both processes) and every token is refused', async () => {
    const { user, here, there, bystander } = await userOnBothProcesses('out');
    const res = await http(two.url, 'POST', '/auth/logout-all', { token: user.accessToken });
    expect(res.status).toBe(204);
    await waitFor(() => endedBecause(here.watch, 'revoked'), SOON_MS, 'socket on the other process');
    await waitFor(() => endedBecause(there.watch, 'revoked'), SOON_MS, 'socket on this process');
    expect(bystander.socket.connected).toBe(true);
    await expectRevoked(user);
    // Signing in again works as before.
    expect((await login(user.user.username, PASSWORD)).status).toBe(200);
  });

  it('account removal: sockets end, tokens die, the owned room goes, the name is free, messages keep a sender', async () => {
    const { user, here, there, bystander } = await userOnBothProcesses('gone');
    // The user owns a room the bystander is in, and wrote in a room the bystander owns.
    const owned = await createRoom(one.url, user.accessToken, 'soon gone');
    const kept = await createRoom(two.url, bystander.accessToken, 'stays');
    okData(await request(here.socket, 'joinRoom', { roomId: kept.id }));
    okData(
      await request(here.socket, 'sendMessage', {
        roomId: kept.id,
        content: 'my last words',
        clientMessageId: randomUUID(),
      }),
    );
    okData(await request(bystander.socket, 'joinRoom', { roomId: owned.id }));
    okData(await request(bystander.socket, 'joinRoom', { roomId: kept.id }));
    const deleted = record(bystander.socket, 'roomDeleted');

    const wrong = await http(one.url, 'DELETE', '/auth/me', {
      token: user.accessToken,
      body: { password: 'nope nope' },
    });
    expect(wrong.status).toBe(403);
    const removed = await http(one.url, 'DELETE', '/auth/me', {
      token: user.accessToken,
      body: { password: PASSWORD },
    });
    expect(removed.status).toBe(204);

    await waitFor(() => endedBecause(here.watch, 'accountRemoved'), SOON_MS, 'socket on this process');
    await waitFor(() => endedBecause(there.watch, 'accountRemoved'), SOON_MS, 'socket on the other process');
    await waitFor(
      () => deleted.some((d) => d.roomId === owned.id),
      SOON_MS,
      'roomDeleted for the owned room',
    );
    await expectRevoked(user);
    expect((await login(user.user.username, PASSWORD)).status).toBe(401);
    expect((await http(one.url, 'GET', `/rooms/${owned.id}`, { token: bystander.accessToken })).status).toBe(
      404,
    );

    // The bystander's room keeps its history, with the removed user as an anonymous sender.
    const history: MessagePage = okData(
      await request(bystander.socket, 'loadMessageHistory', { roomId: kept.id }),
    );
    const last = history.messages.find((m: ChatMessage) => m.content === 'my last words');
    expect(last?.sender).toEqual({ id: user.user.id, username: 'removed user' });

    // The name can be registered again, by anyone: a new account with a new id.
    const again = await http<AuthResponse>(one.url, 'POST', '/auth/register', {
      body: { username: user.user.username, password: 'someone else entirely' },
    });
    expect(again.status).toBe(201);
    expect(again.body.user.id).not.toBe(user.user.id);
  });

  it("the sockets of a user who has not been revoked are untouched by another user's revocation", async () => {
    const a = await registerUser(one.url, 'calm');
    const socket: ClientSocket = await connect(two.url, a.accessToken);
    const b = await registerUser(one.url, 'storm');
    expect((await http(one.url, 'POST', '/auth/logout-all', { token: b.accessToken })).status).toBe(204);
    // Round trip over the socket after the revocation was published: still served.
    expect((await request(socket, 'loadMessageHistory', { roomId: 999_999 })).ok).toBe(false);
    expect(socket.connected).toBe(true);
  });
});
