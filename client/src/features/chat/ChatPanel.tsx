import { useEffect, useLayoutEffect, useRef, useState, type DragEvent, type FormEvent, type UIEvent } from 'react';
import { formatTime } from '../../lib/format';
import { MESSAGE_MAX_LENGTH } from '../../lib/limits';
import { Alert } from '../../ui/Alert';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import { AttachmentView } from './attachments/AttachmentView';
import { PendingUploads } from './attachments/PendingUploads';
import { usePendingUploads } from './attachments/usePendingUploads';
import { useChatStore, type ChatItem } from './chatStore';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 80;
const GROUP_MS = 5 * 60_000;

function Message({ item, prev, selfId }: { item: ChatItem; prev: ChatItem | undefined; selfId: number | null }) {
  const mine = item.sender.id === selfId;
  const grouped =
    prev &&
    prev.sender.id === item.sender.id &&
    new Date(item.createdAt).getTime() - new Date(prev.createdAt).getTime() < GROUP_MS;
  return (
    <li
      className={`msg${mine ? ' msg--mine' : ''}${grouped ? ' msg--grouped' : ''} msg--${item.status}`}
      data-message-id={item.status === 'sent' ? item.id : undefined}
    >
      {!grouped && (
        <div className="msg__meta">
          <span className="msg__sender">{mine ? 'You' : item.sender.username}</span>
          <time dateTime={item.createdAt}>{formatTime(item.createdAt)}</time>
        </div>
      )}
      {item.content && <div className="msg__body">{item.content}</div>}
      {item.attachments.length > 0 && (
        <div className="msg__attachments">
          {item.attachments.map((a) => (
            <AttachmentView key={a.id} attachment={a} />
          ))}
        </div>
      )}
      {item.status === 'pending' && (
        <div className="msg__status" aria-live="polite">
          {item.waitingForServer ? 'Waiting for server… (will resend)' : 'Sending…'}
        </div>
      )}
      {item.status === 'failed' && (
        <div className="msg__status msg__status--failed" role="alert">
          Not sent: {item.error ?? 'unknown error'}{' '}
          <button type="button" className="link-btn" onClick={() => void useChatStore.getState().retry(item.clientMessageId)}>
            Retry
          </button>
        </div>
      )}
    </li>
  );
}

export function ChatPanel({ onClose }: { onClose?: () => void }) {
  const { items, hasMore, loadingOlder, historyStatus, historyError, unread, selfId, roomId } = useChatStore();
  const files = usePendingUploads(roomId);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const listRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const edges = useRef<{ first?: string; last?: string }>({});
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState<string | null>(null);

  const keyOf = (i: ChatItem | undefined) => (i ? (i.status === 'sent' ? `id:${i.id}` : `c:${i.clientMessageId}`) : undefined);

  const scrollToBottom = () => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  function loadOlder() {
    const el = listRef.current;
    const s = useChatStore.getState();
    if (!s.hasMore || s.loadingOlder) return;
    if (el) anchor.current = { height: el.scrollHeight, top: el.scrollTop };
    void s.loadOlder();
  }

  function onScroll(e: UIEvent<HTMLDivElement>) {
    const el = e.currentTarget;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    useChatStore.getState().setFollowing(atBottom);
    if (el.scrollTop < NEAR_TOP_PX) loadOlder();
  }

  // Keep the view steady when older messages are prepended; follow new ones when at the bottom.
  useLayoutEffect(() => {
    const el = listRef.current;
    const first = keyOf(items[0]);
    const last = keyOf(items[items.length - 1]);
    const prev = edges.current;
    edges.current = { first, last };
    if (!el) return;
    if (anchor.current && first !== prev.first) {
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
      return;
    }
    if (last !== prev.last) {
      const lastItem = items[items.length - 1];
      const mine = lastItem && lastItem.sender.id === selfId;
      if (useChatStore.getState().following || mine || prev.last === undefined) scrollToBottom();
    }
  }, [items, selfId]);

  // A failed page load leaves no prepend to anchor.
  useEffect(() => {
    if (!loadingOlder) anchor.current = null;
  }, [loadingOlder]);

  // The panel is visible and starts at the newest message; hidden means unread counts up.
  useEffect(() => {
    scrollToBottom();
    useChatStore.getState().setFollowing(true);
    return () => useChatStore.getState().setFollowing(false);
  }, []);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const text = draft.trim();
    const attachments = files.ready;
    if ((!text && !attachments.length) || files.busy) return;
    setSendError(null);
    setDraft('');
    files.clear();
    try {
      await useChatStore.getState().send(text, attachments);
    } catch (err) {
      setDraft(text);
      setSendError(err instanceof Error ? err.message : 'Could not send the message.');
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) files.add(Array.from(e.dataTransfer.files));
  }

  const canSend = (draft.trim().length > 0 || files.ready.length > 0) && !files.busy;

  return (
    <section
      className={`panel chat${dragging ? ' chat--dragging' : ''}`}
      aria-labelledby="chat-title"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <div className="panel__head">
        <h2 id="chat-title" className="panel__title">
          Chat
        </h2>
        {onClose && (
          <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label="Close chat">
            ×
          </button>
        )}
      </div>
      <div className="chat__scroll" ref={listRef} onScroll={onScroll} tabIndex={0} aria-label="Chat history">
        {hasMore && (
          <div className="chat__older">
            {loadingOlder ? (
              <Spinner label="Loading earlier messages" />
            ) : (
              <button type="button" className="link-btn" onClick={loadOlder}>
                Load earlier messages
              </button>
            )}
          </div>
        )}
        {historyStatus === 'loading' && <Spinner label="Loading messages" />}
        {historyError && <Alert>{historyError}</Alert>}
        {historyStatus === 'ready' && items.length === 0 && <p className="empty">No messages yet. Say hello!</p>}
        <ol className="chat__list" role="log" aria-live="polite" aria-label="Conversation">
          {items.map((item, i) => (
            <Message key={keyOf(item)} item={item} prev={items[i - 1]} selfId={selfId} />
          ))}
        </ol>
      </div>
      {unread > 0 && (
        <button
          type="button"
          className="chat__badge"
          onClick={() => {
            scrollToBottom();
            useChatStore.getState().setFollowing(true);
          }}
        >
          <Icon name="down" size={16} /> {unread} new message{unread === 1 ? '' : 's'}
        </button>
      )}
      <form className="chat__form" onSubmit={onSubmit}>
        {sendError && <Alert onDismiss={() => setSendError(null)}>{sendError}</Alert>}
        <PendingUploads uploads={files.uploads} onRemove={files.remove} />
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Attach files"
          onChange={(e) => {
            if (e.target.files) files.add(Array.from(e.target.files));
            e.target.value = '';
          }}
        />
        <button type="button" className="btn btn--ghost" onClick={() => fileInput.current?.click()} aria-label="Attach a file" title="Attach a file (or drop files on the chat)">
          <Icon name="clip" size={18} />
        </button>
        <input
          type="text"
          aria-label="Message"
          placeholder="Write a message…"
          value={draft}
          maxLength={MESSAGE_MAX_LENGTH}
          onChange={(e) => setDraft(e.target.value)}
          autoComplete="off"
        />
        <button type="submit" className="btn btn--primary" disabled={!canSend}>
          Send
        </button>
      </form>
    </section>
  );
}
