import { EMBED_MESSAGE_SOURCE, type EmbedCommandName, type EmbedOutgoingMessage, type EmbedState } from '@minimeet/shared';
import { describe, expect, it, vi } from 'vitest';
import { EmbedBridge, EmbedCommandError, parentOriginOf, type MessageSource, type MessageTarget } from './embedBridge';

const LMS = 'https://lms.example.com';
const OTHER_ALLOWED = 'https://intranet.example.com';
const EVIL = 'https://evil.example.net';
const STATE: EmbedState = { status: 'joined', roomId: 7, micOn: true, cameraOn: true, chatOpen: false, participantCount: 2 };

/** The frame's window (listeners) and its parent (what was posted, to which origin). */
function setUp(opts: { parentOrigin: string | null; run?: (c: EmbedCommandName) => Promise<EmbedState> }) {
  let listener: ((e: MessageEvent) => void) | null = null;
  const self: MessageSource = {
    addEventListener: (_t, l) => void (listener = l),
    removeEventListener: (_t, l) => void (listener === l && (listener = null)),
  };
  const posted: Array<{ message: EmbedOutgoingMessage; origin: string }> = [];
  const parent: MessageTarget = { postMessage: (message, origin) => void posted.push({ message: message as EmbedOutgoingMessage, origin }) };
  const run = vi.fn(opts.run ?? (async () => STATE));
  const bridge = new EmbedBridge({ self, parent, allowedOrigins: [LMS, OTHER_ALLOWED], parentOrigin: opts.parentOrigin, run });
  bridge.start();
  /** A message as the browser delivers it: from `source` (default the parent) at `origin`. */
  const deliver = async (origin: string, data: unknown, source: unknown = parent) => {
    listener?.({ origin, data, source } as unknown as MessageEvent);
    await new Promise((r) => setTimeout(r, 0));
  };
  const command = (command: string, requestId?: string) => ({ source: EMBED_MESSAGE_SOURCE, type: 'command', command, ...(requestId ? { requestId } : {}) });
  return { bridge, posted, run, deliver, command, hasListener: () => listener !== null };
}

describe('parentOriginOf', () => {
  const allowed = [LMS];
  it('takes the immediate ancestor origin when it is allowed', () => {
    expect(parentOriginOf(allowed, [LMS, EVIL], '')).toBe(LMS);
    expect(parentOriginOf(allowed, [EVIL], `${LMS}/course/1`)).toBeNull();
  });
  it('falls back to the referrer origin (browsers without ancestorOrigins)', () => {
    expect(parentOriginOf(allowed, undefined, `${LMS}/course/1?x=1`)).toBe(LMS);
    expect(parentOriginOf(allowed, [], `${EVIL}/page`)).toBeNull();
    expect(parentOriginOf(allowed, undefined, 'not a url')).toBeNull();
    expect(parentOriginOf(allowed, undefined, '')).toBeNull();
  });
  it('knows nothing when no origin is allowed', () => {
    expect(parentOriginOf([], [LMS], LMS)).toBeNull();
  });
});

describe('EmbedBridge', () => {
  it('runs a command from the parent at an allowed origin and answers it there, with the request id', async () => {
    const t = setUp({ parentOrigin: LMS });
    await t.deliver(LMS, t.command('muteMic', 'r1'));
    expect(t.run).toHaveBeenCalledWith('muteMic');
    expect(t.posted).toEqual([
      { origin: LMS, message: { source: 'minimeet', type: 'result', command: 'muteMic', requestId: 'r1', ok: true, state: STATE } },
    ]);
  });

  it('ignores commands from an origin not in the list, from another window, and from another allowed origin than the parent', async () => {
    const t = setUp({ parentOrigin: LMS });
    await t.deliver(EVIL, t.command('leave', 'a'));
    await t.deliver(LMS, t.command('leave', 'b'), { postMessage() {} });
    await t.deliver(OTHER_ALLOWED, t.command('leave', 'c'));
    expect(t.run).not.toHaveBeenCalled();
    expect(t.posted).toEqual([]);
  });

  it('ignores messages that are not commands', async () => {
    const t = setUp({ parentOrigin: LMS });
    for (const data of [null, 'muteMic', { type: 'command', command: 'muteMic' }, { source: 'minimeet', type: 'event', event: 'ready' }, { source: 'minimeet', type: 'command', command: 'muteMic', requestId: 5 }]) {
      await t.deliver(LMS, data);
    }
    expect(t.run).not.toHaveBeenCalled();
    expect(t.posted).toEqual([]);
  });

  it('posts events only to the parent origin; unknown, they wait for the first valid command and go to its origin', async () => {
    const t = setUp({ parentOrigin: null });
    t.bridge.emit('ready', { roomId: 7 });
    t.bridge.emit('micChanged', { on: false });
    expect(t.posted).toEqual([]);
    // A non-allowed origin does not teach the bridge where to post.
    await t.deliver(EVIL, t.command('getState', 'x'));
    expect(t.posted).toEqual([]);
    expect(t.bridge.target).toBeNull();
    await t.deliver(OTHER_ALLOWED, t.command('getState', 'y'));
    expect(t.bridge.target).toBe(OTHER_ALLOWED);
    expect(t.posted.map((p) => p.origin)).toEqual([OTHER_ALLOWED, OTHER_ALLOWED, OTHER_ALLOWED]);
    expect(t.posted.map((p) => p.message.type === 'event' ? p.message.event : p.message.requestId)).toEqual(['ready', 'micChanged', 'y']);
    expect(t.posted.every((p) => p.origin !== '*')).toBe(true);
  });

  it('does not trust a parent origin that is not in the list', () => {
    const t = setUp({ parentOrigin: EVIL });
    t.bridge.emit('joined', { roomId: 7, self: { userId: 1, username: 'ada' } });
    expect(t.bridge.target).toBeNull();
    expect(t.posted).toEqual([]);
  });

  it('answers an unknown command and a refused one with an error', async () => {
    const t = setUp({
      parentOrigin: LMS,
      run: async () => {
        throw new EmbedCommandError('EMBED_NOT_IN_CALL', 'Not in the call.');
      },
    });
    await t.deliver(LMS, t.command('dance', 'u'));
    await t.deliver(LMS, t.command('unmuteMic', 'v'));
    expect(t.posted.map((p) => p.message)).toEqual([
      { source: 'minimeet', type: 'result', command: 'dance', requestId: 'u', ok: false, error: { code: 'EMBED_UNKNOWN_COMMAND', message: 'Unknown command "dance".' } },
      { source: 'minimeet', type: 'result', command: 'unmuteMic', requestId: 'v', ok: false, error: { code: 'EMBED_NOT_IN_CALL', message: 'Not in the call.' } },
    ]);
  });

  it('stops listening when stopped', async () => {
    const t = setUp({ parentOrigin: LMS });
    t.bridge.stop();
    expect(t.hasListener()).toBe(false);
    await t.deliver(LMS, t.command('leave'));
    expect(t.run).not.toHaveBeenCalled();
  });
});
