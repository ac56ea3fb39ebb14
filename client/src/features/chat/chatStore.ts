import type { AttachmentDto, ChatMessage } from '@minimeet/shared';
import { create } from 'zustand';
import { AppError, describeError } from '../../lib/errors';
import { HISTORY_DEFAULT_LIMIT, MESSAGE_MAX_LENGTH } from '../../lib/limits';
import { request } from '../../lib/socket';
import { uuid } from '../../lib/uuid';

export type ChatItemStatus = 'sent' | 'pending' | 'failed';

/** A message as the panel shows it: stored ones, plus our own still in flight or refused. */
export interface ChatItem extends ChatMessage {
  status: ChatItemStatus;
  error?: string;
  /** Pending because the server is temporarily unavailable: it is resent on its own. */
  waitingForServer?: boolean;
}

/** Resends of a message the server could not take (UNAVAILABLE) wait its retryAfterMs, doubling up to this. */
const RESEND_MAX_DELAY_MS = 30_000;
const RESEND_DEFAULT_DELAY_MS = 2_000;

/** The wait before resend number `attempt` (0-based): the server's hint, doubled per attempt, bounded. */
export function resendDelayMs(retryAfterMs: number | undefined, attempt: number): number {
  const base = retryAfterMs && retryAfterMs > 0 ? retryAfterMs : RESEND_DEFAULT_DELAY_MS;
  return Math.min(RESEND_MAX_DELAY_MS, base * 2 ** Math.min(attempt, 5));
}

export interface ChatState {
  roomId: number | null;
  selfId: number | null;
  items: ChatItem[];
  hasMore: boolean;
  historyStatus: 'idle' | 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  historyError: string | null;
  /** Messages from others that arrived while the user was not looking at the newest one. */
  unread: number;
  /** The panel is shown (phone: toggled) and scrolled to the bottom. UI state: kept across rooms. */
  following: boolean;

  open(roomId: number, selfId: number): Promise<void>;
  close(): void;
  loadOlder(): Promise<void>;
  /** After a reconnect: fetch the newest page and merge what was missed. */
  resync(): Promise<void>;
  receive(message: ChatMessage): void;
  /** Text and/or uploaded attachments (ids from POST /api/rooms/:id/attachments). */
  send(content: string, attachments?: AttachmentDto[]): Promise<void>;
  retry(clientMessageId: string): Promise<void>;
  markFailed(clientMessageId: string, error: string): void;
  setFollowing(following: boolean): void;
}

const initial = {
  roomId: null,
  selfId: null,
  items: [] as ChatItem[],
  hasMore: false,
  historyStatus: 'idle' as const,
  loadingOlder: false,
  historyError: null,
  unread: 0,
};

/** Stored messages ordered by id (the server's storage order), then ours still pending. */
function normalize(items: ChatItem[]): ChatItem[] {
  const seen = new Set<string>();
  const byCid = new Map<string, ChatItem>();
  for (const it of items) {
    const prev = byCid.get(it.clientMessageId);
    // A stored copy wins over a pending/failed local one.
    if (!prev || (prev.status !== 'sent' && it.status === 'sent')) byCid.set(it.clientMessageId, it);
  }
  const out: ChatItem[] = [];
  for (const it of byCid.values()) {
    const key = it.status === 'sent' ? `id:${it.id}` : `cid:${it.clientMessageId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(it);
  }
  const sent = out.filter((i) => i.status === 'sent').sort((a, b) => a.id - b.id);
  const local = out.filter((i) => i.status !== 'sent');
  return [...sent, ...local];
}

const asSent = (m: ChatMessage): ChatItem => ({ ...m, status: 'sent' });

export const useChatStore = create<ChatState>()((set, get) => {
  /** Only apply a result if the panel still shows the room it was requested for. */
  const still = (roomId: number) => get().roomId === roomId;
  /** Scheduled resends by clientMessageId; all cancelled when the panel leaves the room. */
  const resends = new Map<string, ReturnType<typeof setTimeout>>();

  function cancelResends(): void {
    for (const timer of resends.values()) clearTimeout(timer);
    resends.clear();
  }

  function setWaiting(clientMessageId: string, waitingForServer: boolean): void {
    set({
      items: get().items.map((i) =>
        i.clientMessageId === clientMessageId && i.status === 'pending' ? { ...i, waitingForServer } : i,
      ),
    });
  }

  async function deliver(item: ChatItem, attempt = 0): Promise<void> {
    const roomId = item.roomId;
    clearTimeout(resends.get(item.clientMessageId));
    resends.delete(item.clientMessageId);
    try {
      const { message } = await request('sendMessage', {
        roomId,
        content: item.content,
        clientMessageId: item.clientMessageId,
        ...(item.attachments.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
      });
      if (still(roomId)) set({ items: normalize([...get().items, asSent(message)]) });
    } catch (err) {
      if (!still(roomId)) return;
      if (err instanceof AppError && err.code === 'UNAVAILABLE') {
        // Not refused, only not now: keep it pending and resend the same clientMessageId (the
        // server stores it once) after the wait the server asked for, backing off.
        setWaiting(item.clientMessageId, true);
        const timer = setTimeout(() => {
          resends.delete(item.clientMessageId);
          const current = get().items.find((i) => i.clientMessageId === item.clientMessageId && i.status === 'pending');
          if (current && still(roomId)) void deliver(current, attempt + 1);
        }, resendDelayMs(err.retryAfterMs, attempt));
        resends.set(item.clientMessageId, timer);
        return;
      }
      get().markFailed(item.clientMessageId, describeError(err));
    }
  }

  return {
    ...initial,
    following: false,

    async open(roomId, selfId) {
      cancelResends();
      set({ ...initial, roomId, selfId, historyStatus: 'loading' });
      try {
        const page = await request('loadMessageHistory', { roomId, limit: HISTORY_DEFAULT_LIMIT });
        if (!still(roomId)) return;
        set({
          items: normalize([...get().items, ...page.messages.map(asSent)]),
          hasMore: page.hasMore,
          historyStatus: 'ready',
          historyError: null,
        });
      } catch (err) {
        if (still(roomId)) set({ historyStatus: 'error', historyError: describeError(err) });
      }
    },

    close() {
      cancelResends();
      set({ ...initial });
    },

    async loadOlder() {
      const { roomId, hasMore, loadingOlder, items } = get();
      if (roomId === null || !hasMore || loadingOlder) return;
      const oldest = items.find((i) => i.status === 'sent');
      if (!oldest) return;
      set({ loadingOlder: true, historyError: null });
      try {
        const page = await request('loadMessageHistory', { roomId, before: oldest.id, limit: HISTORY_DEFAULT_LIMIT });
        if (!still(roomId)) return;
        set({ items: normalize([...page.messages.map(asSent), ...get().items]), hasMore: page.hasMore, loadingOlder: false });
      } catch (err) {
        if (still(roomId)) set({ loadingOlder: false, historyError: describeError(err) });
      }
    },

    async resync() {
      const { roomId } = get();
      if (roomId === null) return;
      try {
        const page = await request('loadMessageHistory', { roomId, limit: HISTORY_DEFAULT_LIMIT });
        if (!still(roomId)) return;
        const known = new Set(get().items.filter((i) => i.status === 'sent').map((i) => i.id));
        const { selfId, following, unread } = get();
        const fresh = page.messages.filter((m) => !known.has(m.id) && m.sender.id !== selfId);
        // The newest page either meets what we have (merge) or there is a gap (start over
        // from the newest page; older ones load on scroll).
        const overlaps = known.size === 0 || !page.hasMore || page.messages.some((m) => known.has(m.id));
        const base = overlaps ? get().items : get().items.filter((i) => i.status !== 'sent');
        set({
          items: normalize([...base, ...page.messages.map(asSent)]),
          hasMore: page.hasMore && (known.size > 0 && overlaps ? get().hasMore : true),
          historyStatus: 'ready',
          historyError: null,
          unread: following ? 0 : unread + fresh.length,
        });
        // Messages still pending from before the drop: the server dedupes by clientMessageId.
        for (const it of get().items.filter((i) => i.status === 'pending')) void deliver(it);
      } catch {
        // The next reconnect or scroll will try again.
      }
    },

    receive(message) {
      const { roomId, selfId, items, following, unread } = get();
      if (message.roomId !== roomId) return;
      if (items.some((i) => i.status === 'sent' && i.id === message.id)) return;
      const mine = message.sender.id === selfId;
      set({ items: normalize([...items, asSent(message)]), unread: mine || following ? unread : unread + 1 });
    },

    async send(content, attachments = []) {
      const { roomId, selfId } = get();
      const text = content.trim();
      if (roomId === null || selfId === null || (!text && !attachments.length)) return;
      if (text.length > MESSAGE_MAX_LENGTH) throw new Error(`Messages are limited to ${MESSAGE_MAX_LENGTH} characters.`);
      const item: ChatItem = {
        id: 0,
        roomId,
        sender: { id: selfId, username: '' },
        content: text,
        createdAt: new Date().toISOString(),
        clientMessageId: uuid(),
        attachments,
        status: 'pending',
      };
      set({ items: normalize([...get().items, item]), unread: 0 });
      await deliver(item);
    },

    async retry(clientMessageId) {
      const item = get().items.find((i) => i.clientMessageId === clientMessageId && i.status === 'failed');
      if (!item) return;
      const pending: ChatItem = { ...item, status: 'pending', error: undefined };
      set({ items: normalize(get().items.map((i) => (i === item ? pending : i))) });
      await deliver(pending);
    },

    markFailed(clientMessageId, error) {
      set({
        items: get().items.map((i) =>
          i.clientMessageId === clientMessageId && i.status === 'pending'
            ? { ...i, status: 'failed', error, waitingForServer: undefined }
            : i,
        ),
      });
    },

    setFollowing(following) {
      if (following === get().following && (!following || get().unread === 0)) return;
      set(following ? { following, unread: 0 } : { following });
    },
  };
});
