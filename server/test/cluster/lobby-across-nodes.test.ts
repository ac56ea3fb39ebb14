/**
 * Issue 20 item 3 across nodes: two server processes (one MariaDB, one Redis). The waiting list
 * and admissions live in Redis and the lobby's events go through the Socket.IO Redis adapter, so
 * a waiter on one node and a moderator on the other see each other's doings: knocks, admit,
 * deny, a waiter leaving, the lobby turned off; and a killed node's waiters leave the list by
 * themselves (their records expire unless renewed).
 */
import { ErrorCode, type AuthResponse, type GuestAuthResponse, type RoomDto } from '@minimeet/shared';
import type { ServerProcess } from '@minimeet/test-harness';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createRoom,
  http,
  okData,
  refusedWith,
  registerUser,
  request,
  sleep,
  waitFor,
} from '../helpers/chat-client.js';
import { lobbyHost, lobbyWaiter } from '../helpers/lobby-client.js';
import { useTwoProcesses } from '../helpers/two-processes.js';

const NODE_TTL_MS = 3000;

describe('lobby across two nodes', () => {
  let one: ServerProcess;
  let two: ServerProcess;
  useTwoProcesses('mariadb', (p) => ({ one, two } = p), {
    env: { CLUSTER_NODE_TTL_MS: String(NODE_TTL_MS), LOBBY_DENY_COOLDOWN_MS: '60000' },
  });

  async function room(owner: AuthResponse, lobby: 'guests' | 'everyone'): Promise<RoomDto> {
    const created = await createRoom(one.url, owner.accessToken, 'cluster lobby');
    const res = await http<RoomDto>(one.url, 'PATCH', `/rooms/${created.id}`, {
      token: owner.accessToken,
      body: { lobby, allowGuests: true },
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  const hostOn = (url: string, owner: AuthResponse, roomId: number) => lobbyHost(url, owner.accessToken, roomId);
  const waiterOn = lobbyWaiter;

  async function guest(roomId: number, displayName: string): Promise<GuestAuthResponse> {
    const res = await http<GuestAuthResponse>(two.url, 'POST', '/auth/guest', { body: { roomId, displayName } });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('a guest waiting on B is seen, admitted and denied by the host on A', async () => {
    const owner = await registerUser(one.url, 'chost');
    const r = await room(owner, 'guests');
    const host = await hostOn(one.url, owner, r.id);
    // The host's second tab is on B: both tabs get every update.
    const hostB = await hostOn(two.url, owner, r.id);

    const visitor = await guest(r.id, 'Visitor B');
    const w = await waiterOn(two.url, visitor.accessToken, r.id);
    await waitFor(() => host.waiting()?.length === 1, 5000, 'knock on A');
    await waitFor(() => hostB.waiting()?.length === 1, 5000, 'knock on B');
    expect(host.updates.at(-1)!.waiting[0]).toMatchObject({ userId: visitor.user.id, username: 'Visitor B', guest: true });

    okData(await request(host.socket, 'admitParticipant', { roomId: r.id, userId: visitor.user.id }));
    await waitFor(() => w.admitted.length === 1, 5000, 'lobbyAdmitted on B');
    const joined = okData(await request(w.socket, 'joinRoom', { roomId: r.id }));
    expect(joined.participants.map((p) => p.userId)).toContain(owner.user.id);
    await waitFor(() => hostB.waiting()?.length === 0, 5000, 'B told the list is empty');
    // Admitted on B, the guest's reconnect through A does not wait.
    okData(await request(await connect(one.url, visitor.accessToken), 'joinRoom', { roomId: r.id }));

    const other = await guest(r.id, 'Other B');
    const w2 = await waiterOn(two.url, other.accessToken, r.id);
    await waitFor(() => host.waiting()?.length === 1, 5000, 'second knock on A');
    okData(await request(host.socket, 'denyParticipant', { roomId: r.id, userId: other.user.id }));
    await waitFor(() => w2.denied.length === 1, 5000, 'lobbyDenied on B');
    // The denial is shared: asking again through A is refused too.
    refusedWith(await request(await connect(one.url, other.accessToken), 'joinRoom', { roomId: r.id }), ErrorCode.LOBBY_DENIED);
  });

  it('a waiter on A leaving is seen by the host on B; turning the lobby off on A admits a waiter on B', async () => {
    const owner = await registerUser(one.url, 'chost2');
    const r = await room(owner, 'everyone');
    const hostB = await hostOn(two.url, owner, r.id);
    const a = await registerUser(one.url, 'waitA');
    const b = await registerUser(one.url, 'waitB');
    const wa = await waiterOn(one.url, a.accessToken, r.id);
    const wb = await waiterOn(two.url, b.accessToken, r.id);
    await waitFor(() => hostB.waiting()?.length === 2, 5000, 'two waiting');

    wa.socket.close();
    await waitFor(() => hostB.waiting()?.length === 1, 5000, 'disconnect on A seen on B');
    expect(hostB.waiting()).toEqual([b.user.id]);

    const off = await http<RoomDto>(one.url, 'PATCH', `/rooms/${r.id}`, { token: owner.accessToken, body: { lobby: 'off' } });
    expect(off.body.lobby).toBe('off');
    await waitFor(() => wb.admitted.length === 1, 5000, 'admitted on B');
    okData(await request(wb.socket, 'joinRoom', { roomId: r.id }));
  });

  it("a killed node's waiters leave the list once their records expire", async () => {
    const owner = await registerUser(one.url, 'chost3');
    const r = await room(owner, 'everyone');
    const member = await registerUser(one.url, 'onB');
    const stays = await registerUser(one.url, 'onA');
    await waiterOn(two.url, member.accessToken, r.id);
    const kept = await waiterOn(one.url, stays.accessToken, r.id);
    process.kill(two.pid, 'SIGKILL');
    // Past the TTL: the killed node's waiter is gone, the live node's (renewed) is still there.
    await sleep(NODE_TTL_MS * 2);
    const host = await hostOn(one.url, owner, r.id);
    expect(host.joined.lobbyWaiting?.map((e) => e.userId)).toEqual([stays.user.id]);
    expect(kept.socket.connected).toBe(true);
  });
});
