import { randomUUID } from 'node:crypto';
import { ErrorCode, type ChatMessage, type MessagePage } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createRoom,
  followRoom,
  http,
  okData,
  record,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { createAdmin, DB_KINDS } from '@minimeet/test-harness';
import { useChatTarget, type ChatTarget } from './helpers/chat-server.js';

/** Issue 3 acceptance over real sockets: presence, chat delivery, history, idempotency, load. */
describe.each(DB_KINDS)('rooms and chat over Socket.IO (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  useChatTarget(kind, (started) => {
    target = started;
    url = started.url;
  });

  async function userWithSocket(prefix: string) {
    const auth = await registerUser(url, prefix);
    const socket = await connect(url, auth.accessToken);
    return { ...auth, socket };
  }

  it('two users join: both see both (snapshot, then participantsDelta); A sends, B gets newMessage; history pages with before', async () => {
    const a = await userWithSocket('alice');
    const b = await userWithSocket('bob');
    const room = await createRoom(url, a.accessToken, 'two users');
    const bMessages = record(b.socket, 'newMessage');

    const followA = await followRoom(a.socket, { roomId: room.id });
    expect(followA.data.participants).toEqual([{ userId: a.user.id, username: a.user.username, role: 'host' }]);
    expect(followA.data).toMatchObject({ room: { id: room.id, participantCount: 1 }, participantsCursor: null });
    const followB = await followRoom(b.socket, { roomId: room.id });
    const both = [a.user.id, b.user.id].sort((x, y) => x - y);
    expect(followB.data.participants.map((p) => p.userId)).toEqual(both);

    await waitFor(
      () => followA.deltas.some((d) => d.joined.some((p) => p.userId === b.user.id)),
      3000,
      'participantsDelta with bob joining',
    );
    expect(followA.ids()).toEqual(both);
    expect(followB.ids()).toEqual(both);

    const sent: ChatMessage[] = [];
    for (let i = 0; i < 7; i++) {
      const clientMessageId = randomUUID();
      const ack = okData(
        await request(a.socket, 'sendMessage', {
          roomId: room.id,
          content: `  hello <b>${i}</b>  `,
          clientMessageId,
        }),
      );
      expect(ack.message).toMatchObject({
        roomId: room.id,
        content: `hello <b>${i}</b>`,
        clientMessageId,
        sender: { id: a.user.id, username: a.user.username },
      });
      sent.push(ack.message);
    }
    await waitFor(() => bMessages.length === 7, 3000, 'B to receive 7 messages');
    expect(bMessages.map((m) => m.message)).toEqual(sent);

    // Reload over REST, then page back with `before`.
    const page1 = await http<MessagePage>(url, 'GET', `/rooms/${room.id}/messages?limit=3`, {
      token: b.accessToken,
    });
    expect(page1.status).toBe(200);
    expect(page1.body.messages.map((m) => m.id)).toEqual(sent.slice(4).map((m) => m.id));
    expect(page1.body.hasMore).toBe(true);
    const page2 = await http<MessagePage>(
      url,
      'GET',
      `/rooms/${room.id}/messages?limit=3&before=${page1.body.messages[0]!.id}`,
      {
        token: b.accessToken,
      },
    );
    expect(page2.body.messages.map((m) => m.id)).toEqual(sent.slice(1, 4).map((m) => m.id));
    expect(page2.body.hasMore).toBe(true);
    const page3 = okData(
      await request(b.socket, 'loadMessageHistory', {
        roomId: room.id,
        before: page2.body.messages[0]!.id,
        limit: 3,
      }),
    );
    expect(page3.messages.map((m) => m.id)).toEqual([sent[0]!.id]);
    expect(page3.hasMore).toBe(false);
    const all = okData(await request(a.socket, 'loadMessageHistory', { roomId: room.id }));
    expect(all.messages).toEqual(sent);
  });

  it('duplicate clientMessageId: one row, one broadcast, the same message returned', async () => {
    const a = await userWithSocket('dup_a');
    const b = await userWithSocket('dup_b');
    const room = await createRoom(url, a.accessToken, 'dups');
    okData(await request(a.socket, 'joinRoom', { roomId: room.id }));
    okData(await request(b.socket, 'joinRoom', { roomId: room.id }));
    const bMessages = record(b.socket, 'newMessage');
    const aMessages = record(a.socket, 'newMessage');

    const payload = { roomId: room.id, content: 'only once', clientMessageId: randomUUID() };
    // Three at once (a flaky network resending) and one later.
    const acks = await Promise.all([1, 2, 3].map(() => request(a.socket, 'sendMessage', payload)));
    const later = await request(a.socket, 'sendMessage', payload);
    const ids = [...acks, later].map((ack) => okData(ack).message.id);
    expect(new Set(ids).size).toBe(1);
    await sleep(300);
    expect(bMessages).toHaveLength(1);
    expect(aMessages).toHaveLength(1);
    const history = okData(await request(b.socket, 'loadMessageHistory', { roomId: room.id }));
    expect(history.messages).toHaveLength(1);
    expect(history.messages[0]!.id).toBe(ids[0]);
  });

  it('200 messages sent fast by 4 users: everyone receives all 200 exactly once, in stored order', async () => {
    const users = await Promise.all([1, 2, 3, 4].map((i) => userWithSocket(`load${i}`)));
    const room = await createRoom(url, users[0]!.accessToken, 'load');
    for (const u of users) okData(await request(u.socket, 'joinRoom', { roomId: room.id }));
    const received = users.map((u) => record(u.socket, 'newMessage'));

    const acks = await Promise.all(
      users.flatMap((u, ui) =>
        Array.from({ length: 50 }, (_, i) =>
          request(
            u.socket,
            'sendMessage',
            { roomId: room.id, content: `u${ui} m${i}`, clientMessageId: randomUUID() },
            20_000,
          ),
        ),
      ),
    );
    for (const ack of acks) expect(ack.ok).toBe(true);
    await waitFor(() => received.every((list) => list.length >= 200), 10_000, 'all 200 messages everywhere');
    await sleep(200); // any duplicate would arrive by now

    const page2 = await http<MessagePage>(url, 'GET', `/rooms/${room.id}/messages?limit=100`, {
      token: users[0]!.accessToken,
    });
    const page1 = await http<MessagePage>(
      url,
      'GET',
      `/rooms/${room.id}/messages?limit=100&before=${page2.body.messages[0]!.id}`,
      {
        token: users[0]!.accessToken,
      },
    );
    const storedIds = [...page1.body.messages, ...page2.body.messages].map((m) => m.id);
    expect(storedIds).toHaveLength(200);
    expect(page1.body.hasMore).toBe(false);
    for (const list of received) {
      expect(list.map((e) => e.message.id)).toEqual(storedIds);
    }
  });

  it('multiple tabs count once; leaving with one tab keeps the user present', async () => {
    const a = await registerUser(url, 'tabs');
    const b = await userWithSocket('watcher');
    const room = await createRoom(url, a.accessToken, 'tabs');
    const watcher = await followRoom(b.socket, { roomId: room.id });
    // Its own join's delta first, so what follows is only about the tabs.
    await waitFor(() => watcher.deltas.length === 1, 3000, "the watcher's own join");
    watcher.deltas.length = 0;
    const bUpdates = watcher.deltas;
    const tab1 = await connect(url, a.accessToken);
    const tab2 = await connect(url, a.accessToken);
    okData(await request(tab1, 'joinRoom', { roomId: room.id }));
    const second = okData(await request(tab2, 'joinRoom', { roomId: room.id }));
    expect(second.participants).toHaveLength(2);
    await waitFor(() => bUpdates.length >= 1);
    await sleep(250);
    expect(bUpdates).toEqual([{ roomId: room.id, joined: [{ userId: a.user.id, username: a.user.username, role: 'host' }], left: [], changed: [] }]); // the second tab changed nothing for the others

    // A message from one tab reaches the sender's other tab too.
    const tab2Messages = record(tab2, 'newMessage');
    okData(
      await request(tab1, 'sendMessage', {
        roomId: room.id,
        content: 'to all tabs',
        clientMessageId: randomUUID(),
      }),
    );
    await waitFor(() => tab2Messages.length === 1);

    okData(await request(tab1, 'leaveRoom', { roomId: room.id }));
    await sleep(250);
    expect(bUpdates).toHaveLength(1);
    const rooms = await http<{ id: number; participantCount: number }[]>(url, 'GET', '/rooms', {
      token: a.accessToken,
    });
    expect(rooms.body.find((r) => r.id === room.id)?.participantCount).toBe(2);

    okData(await request(tab2, 'leaveRoom', { roomId: room.id }));
    await waitFor(() => bUpdates.length === 2);
    expect(bUpdates[1]).toEqual({ roomId: room.id, joined: [], left: [a.user.id], changed: [] });
    expect(watcher.ids()).toEqual([b.user.id]);
  });

  it('a disconnect counts as leaving only after the grace period; a quick reconnect does not flap', async () => {
    const a = await registerUser(url, 'flaky');
    const b = await userWithSocket('steady');
    const room = await createRoom(url, a.accessToken, 'grace');
    const watcher = await followRoom(b.socket, { roomId: room.id });
    let aSocket = await connect(url, a.accessToken);
    okData(await request(aSocket, 'joinRoom', { roomId: room.id }));
    await waitFor(() => watcher.ids().includes(a.user.id), 3000, 'flaky joined');
    const seen = watcher.deltas.length;
    const bUpdates = () => watcher.deltas.slice(seen);

    aSocket.close();
    await sleep(80);
    aSocket = await connect(url, a.accessToken);
    const rejoin = okData(await request(aSocket, 'joinRoom', { roomId: room.id }));
    expect(rejoin.participants).toHaveLength(2);
    await sleep(500); // past the 300 ms grace
    expect(bUpdates()).toHaveLength(0);

    aSocket.close();
    await waitFor(() => bUpdates().length === 1, 3000, 'participantsDelta after grace');
    expect(bUpdates()[0]).toEqual({ roomId: room.id, joined: [], left: [a.user.id], changed: [] });
    expect(watcher.ids()).toEqual([b.user.id]);
  });

  it('a full room refuses with ROOM_FULL', async () => {
    const owner = await userWithSocket('full_a');
    const second = await userWithSocket('full_b');
    const third = await userWithSocket('full_c');
    const room = await createRoom(url, owner.accessToken, 'small', 2);
    okData(await request(owner.socket, 'joinRoom', { roomId: room.id }));
    okData(await request(second.socket, 'joinRoom', { roomId: room.id }));
    const refused = await request(third.socket, 'joinRoom', { roomId: room.id });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.ROOM_FULL } });
    // The owner's second tab still fits: presence counts users, not sockets.
    const ownerTab = await connect(url, owner.accessToken);
    expect((await request(ownerTab, 'joinRoom', { roomId: room.id })).ok).toBe(true);
  });

  it('unknown rooms answer NOT_FOUND', async () => {
    const a = await userWithSocket('nf');
    expect(await request(a.socket, 'joinRoom', { roomId: 999_999 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_FOUND },
    });
    expect(await request(a.socket, 'leaveRoom', { roomId: 999_999 })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_IN_ROOM },
    });
  });

  it('deleting a room tells everyone in it; only the owner or an admin may delete', async () => {
    const owner = await userWithSocket('del_owner');
    const member = await userWithSocket('del_member');
    const room = await createRoom(url, owner.accessToken, 'doomed');
    okData(await request(owner.socket, 'joinRoom', { roomId: room.id }));
    okData(await request(member.socket, 'joinRoom', { roomId: room.id }));
    const deleted = record(member.socket, 'roomDeleted');

    const forbidden = await http(url, 'DELETE', `/rooms/${room.id}`, { token: member.accessToken });
    expect(forbidden).toMatchObject({ status: 403, body: { error: { code: ErrorCode.FORBIDDEN } } });

    const res = await http(url, 'DELETE', `/rooms/${room.id}`, { token: owner.accessToken });
    expect(res.status).toBe(204);
    await waitFor(() => deleted.length === 1, 3000, 'roomDeleted');
    expect(deleted[0]).toEqual({ roomId: room.id });
    expect((await http(url, 'GET', `/rooms/${room.id}`, { token: owner.accessToken })).status).toBe(404);
    const send = await request(member.socket, 'sendMessage', {
      roomId: room.id,
      content: 'anyone?',
      clientMessageId: randomUUID(),
    });
    expect(send).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_IN_ROOM } });

    // Admins may delete rooms they do not own.
    await createAdmin(target.db.url, 'chat_admin', 'admin password');
    const admin = await http<{ accessToken: string }>(url, 'POST', '/auth/login', {
      body: { username: 'chat_admin', password: 'admin password' },
    });
    expect(admin.body).toMatchObject({ user: { role: 'admin' } });
    const other = await createRoom(url, member.accessToken, 'not the admin’s');
    expect((await http(url, 'DELETE', `/rooms/${other.id}`, { token: admin.body.accessToken })).status).toBe(
      204,
    );
  });

  it('sendMessage beyond the per-user limit answers RATE_LIMITED (and messageError)', async () => {
    const a = await userWithSocket('spammer');
    const room = await createRoom(url, a.accessToken, 'spam');
    okData(await request(a.socket, 'joinRoom', { roomId: room.id }));
    const errors = record(a.socket, 'messageError');
    const acks = await Promise.all(
      Array.from({ length: 65 }, (_, i) =>
        request(a.socket, 'sendMessage', {
          roomId: room.id,
          content: `spam ${i}`,
          clientMessageId: randomUUID(),
        }),
      ),
    );
    const limited = acks.filter((ack) => !ack.ok);
    expect(acks.filter((ack) => ack.ok)).toHaveLength(60);
    expect(limited).toHaveLength(5);
    for (const ack of limited)
      expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    await waitFor(() => errors.length === 5);
    expect(errors[0]!.error.code).toBe(ErrorCode.RATE_LIMITED);

    // Over the limit, a resend of a message that was stored still gets it back (a client
    // retrying after a reconnect must not see a stored message as failed), and nothing new
    // is stored.
    const stored = okData(acks.find((ack) => ack.ok)!).message;
    const resent = await request(a.socket, 'sendMessage', {
      roomId: room.id,
      content: stored.content,
      clientMessageId: stored.clientMessageId,
    });
    expect(okData(resent).message).toEqual(stored);
    const history = okData(await request(a.socket, 'loadMessageHistory', { roomId: room.id, limit: 100 }));
    expect(history.messages).toHaveLength(60);
  });

  it('a clientMessageId already used in another room is refused with CONFLICT; the stored message stays', async () => {
    const a = await userWithSocket('reuse');
    const first = await createRoom(url, a.accessToken, 'first');
    const second = await createRoom(url, a.accessToken, 'second');
    okData(await request(a.socket, 'joinRoom', { roomId: first.id }));
    okData(await request(a.socket, 'joinRoom', { roomId: second.id }));
    const clientMessageId = randomUUID();
    const stored = okData(
      await request(a.socket, 'sendMessage', { roomId: first.id, content: 'in first', clientMessageId }),
    ).message;
    const reused = await request(a.socket, 'sendMessage', {
      roomId: second.id,
      content: 'in second',
      clientMessageId,
    });
    expect(reused).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
    expect(okData(await request(a.socket, 'loadMessageHistory', { roomId: second.id })).messages).toEqual([]);
    expect(okData(await request(a.socket, 'loadMessageHistory', { roomId: first.id })).messages).toEqual([
      stored,
    ]);
  });
});
