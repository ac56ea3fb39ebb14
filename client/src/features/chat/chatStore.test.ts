import type { ChatMessage } from '@minimeet/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { resendDelayMs, useChatStore } from './chatStore';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await sleep(5);
  }
}
const unavailable = (retryAfterMs: number) => ({
  ok: false as const,
  error: { code: 'UNAVAILABLE' as const, message: 'database down', details: { retryAfterMs } },
});

const ME = 1;
const msg = (id: number, senderId = 2, content = `m${id}`): ChatMessage => ({
  id,
  roomId: 5,
  sender: { id: senderId, username: senderId === ME ? 'me' : `u${senderId}` },
  content,
  createdAt: new Date(2026, 0, 1, 12, 0, id).toISOString(),
  clientMessageId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  attachments: [],
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

describe('chat store', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  beforeEach(() => {
    sockets = installFakeSockets();
    connectSocket('tok');
  });
  afterEach(() => {
    useChatStore.getState().close();
    disconnectSocket();
    setSocketFactory(null);
  });

  it('loads the newest page on open and older pages with `before`', async () => {
    sockets.current.handle('loadMessageHistory', ({ before }) =>
      before === undefined ? ok({ messages: range(51, 100), hasMore: true }) : ok({ messages: range(1, 50), hasMore: false }),
    );
    await useChatStore.getState().open(5, ME);
    expect(useChatStore.getState().items.map((i) => i.id)).toEqual(range(51, 100).map((m) => m.id));
    expect(useChatStore.getState().hasMore).toBe(true);

    await useChatStore.getState().loadOlder();
    expect(sockets.current.sent('loadMessageHistory').at(-1)).toEqual({ roomId: 5, before: 51, limit: 50 });
    const s = useChatStore.getState();
    expect(s.items).toHaveLength(100);
    expect(s.items[0]!.id).toBe(1);
    expect(s.hasMore).toBe(false);

    await useChatStore.getState().loadOlder(); // nothing more: no request
    expect(sockets.current.sent('loadMessageHistory')).toHaveLength(2);
  });

  it('shows a readable error when history fails', async () => {
    sockets.current.handle('loadMessageHistory', () => fail('NOT_IN_ROOM', 'Join the room first'));
    await useChatStore.getState().open(5, ME);
    expect(useChatStore.getState()).toMatchObject({ historyStatus: 'error', historyError: 'Join the room first' });
  });

  it('receives new messages once, in id order, and counts unread when not following', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: range(1, 3), hasMore: false }));
    await useChatStore.getState().open(5, ME);
    const st = useChatStore.getState();
    st.setFollowing(false);
    st.receive(msg(5));
    st.receive(msg(4));
    st.receive(msg(5));
    st.receive({ ...msg(6), roomId: 99 });
    expect(useChatStore.getState().items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5]);
    expect(useChatStore.getState().unread).toBe(2);
    useChatStore.getState().setFollowing(true);
    expect(useChatStore.getState().unread).toBe(0);
    useChatStore.getState().receive(msg(7));
    expect(useChatStore.getState().unread).toBe(0);
  });

  it('sends optimistically and replaces the pending item with the stored one', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    let stored: ChatMessage | null = null;
    sockets.current.handle('sendMessage', (p) => {
      stored = { id: 10, roomId: p.roomId, sender: { id: ME, username: 'me' }, content: p.content, createdAt: new Date().toISOString(), clientMessageId: p.clientMessageId, attachments: [] };
      // The broadcast arrives before the ack: still one item.
      sockets.current.serverEmit('newMessage', { message: stored });
      return ok({ message: stored });
    });
    await useChatStore.getState().open(5, ME);
    const p = useChatStore.getState().send('  hello <b>world</b>  ');
    expect(useChatStore.getState().items[0]).toMatchObject({ status: 'pending', content: 'hello <b>world</b>' });
    await p;
    expect(stored).not.toBeNull();
    const items = useChatStore.getState().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: 10, status: 'sent' });
    expect(useChatStore.getState().items.some((i) => i.status === 'pending')).toBe(false);
    const sent = sockets.current.sent('sendMessage')[0] as { clientMessageId: string };
    expect(sent.clientMessageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends uploaded attachments by id, with or without text; a retry resends the same ids', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    const photo = { id: '00000000-0000-4000-8000-0000000000a1', name: 'p.png', size: 9, mimeType: 'image/png', kind: 'image' as const, hasThumbnail: true };
    let refuse = true;
    sockets.current.handle('sendMessage', (p) => {
      if (refuse) return { ok: false, error: { code: 'INTERNAL', message: 'boom' } };
      const attachments = (p.attachmentIds ?? []).map((id) => ({ ...photo, id }));
      return ok({ message: { id: 11, roomId: p.roomId, sender: { id: ME, username: 'me' }, content: p.content, createdAt: new Date().toISOString(), clientMessageId: p.clientMessageId, attachments } });
    });
    await useChatStore.getState().open(5, ME);
    await useChatStore.getState().send('   ', [photo]);
    expect(useChatStore.getState().items[0]).toMatchObject({ status: 'failed', content: '', attachments: [photo] });
    refuse = false;
    await useChatStore.getState().retry(useChatStore.getState().items[0]!.clientMessageId);
    expect(useChatStore.getState().items).toEqual([expect.objectContaining({ id: 11, status: 'sent', attachments: [photo] })]);
    const sent = sockets.current.sent('sendMessage') as Array<{ attachmentIds?: string[]; clientMessageId: string }>;
    expect(sent.map((p) => p.attachmentIds)).toEqual([[photo.id], [photo.id]]);
    expect(sent[1]!.clientMessageId).toBe(sent[0]!.clientMessageId);
    // Nothing to send: no text and no files.
    await useChatStore.getState().send('  ');
    expect(sockets.current.sent('sendMessage')).toHaveLength(2);
  });

  it('marks a refused message failed and retries it with the same clientMessageId', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    sockets.current.handle('sendMessage', () => ({ ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', details: { retryAfterMs: 2000 } } }));
    await useChatStore.getState().open(5, ME);
    await useChatStore.getState().send('hi');
    const failed = useChatStore.getState().items[0]!;
    expect(failed).toMatchObject({ status: 'failed', error: 'Too many requests. Try again in 2 s.' });

    sockets.current.handle('sendMessage', (p) =>
      ok({ message: { ...msg(11, ME, p.content), clientMessageId: p.clientMessageId } }),
    );
    await useChatStore.getState().retry(failed.clientMessageId);
    expect(useChatStore.getState().items).toEqual([expect.objectContaining({ id: 11, status: 'sent', clientMessageId: failed.clientMessageId })]);
  });

  it('resync after a reconnect merges missed messages', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: range(1, 3), hasMore: false }));
    await useChatStore.getState().open(5, ME);
    useChatStore.getState().setFollowing(false);
    sockets.current.handle('loadMessageHistory', () => ok({ messages: range(1, 6), hasMore: false }));
    await useChatStore.getState().resync();
    expect(useChatStore.getState().items.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(useChatStore.getState().unread).toBe(3);
  });

  it('drops late results for a room that is no longer open', async () => {
    let answer: (() => void) | null = null;
    sockets.current.handle('loadMessageHistory', () => new Promise((r) => (answer = () => r(ok({ messages: range(1, 2), hasMore: false })))));
    const p = useChatStore.getState().open(5, ME);
    useChatStore.getState().close();
    await Promise.resolve();
    answer!();
    await p;
    expect(useChatStore.getState().items).toEqual([]);
  });

  it('keeps a message the server could not take (UNAVAILABLE) pending and resends it with the same clientMessageId', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    let calls = 0;
    sockets.current.handle('sendMessage', (p) =>
      ++calls <= 2 ? unavailable(20) : ok({ message: { ...msg(12, ME, p.content), clientMessageId: p.clientMessageId } }),
    );
    await useChatStore.getState().open(5, ME);
    await useChatStore.getState().send('during the outage');
    expect(useChatStore.getState().items).toEqual([
      expect.objectContaining({ status: 'pending', waitingForServer: true, content: 'during the outage' }),
    ]);
    await until(() => useChatStore.getState().items[0]?.status === 'sent');
    expect(useChatStore.getState().items).toEqual([expect.objectContaining({ id: 12, status: 'sent' })]);
    expect(useChatStore.getState().items[0]!.waitingForServer).toBeUndefined();
    const ids = sockets.current.sent('sendMessage').map((p) => (p as { clientMessageId: string }).clientMessageId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('stops resending when the room is left', async () => {
    sockets.current.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    sockets.current.handle('sendMessage', () => unavailable(30));
    await useChatStore.getState().open(5, ME);
    await useChatStore.getState().send('never mind');
    expect(sockets.current.sent('sendMessage')).toHaveLength(1);
    useChatStore.getState().close();
    await sleep(120);
    expect(sockets.current.sent('sendMessage')).toHaveLength(1);
  });

  it('backs off from the server hint, doubling, bounded', () => {
    expect(resendDelayMs(2000, 0)).toBe(2000);
    expect(resendDelayMs(2000, 1)).toBe(4000);
    expect(resendDelayMs(2000, 10)).toBe(30_000);
    expect(resendDelayMs(undefined, 0)).toBe(2000);
  });
});
