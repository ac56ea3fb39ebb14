import { ErrorCode } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import { createGuarded, type Closable, type GuardedPeer } from './media-guards.js';

function fakePeer(): GuardedPeer & { closed: boolean } {
  const inFlight = new Set<string>();
  return {
    closed: false,
    claim(slot) {
      if (inFlight.has(slot)) return undefined;
      inFlight.add(slot);
      return () => inFlight.delete(slot);
    },
  };
}

function closable(): Closable & { closed: boolean } {
  const object = { closed: false, close: () => (object.closed = true) };
  return object;
}

/** A promise and the function that settles it, to pause a creation mid-flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createGuarded', () => {
  it('one creation per slot at a time: a concurrent one is a CONFLICT; the slot is free again after', async () => {
    const peer = fakePeer();
    const made = closable();
    const gate = deferred<typeof made>();
    const adopted: unknown[] = [];
    const creation = { slot: 's', conflict: 'busy', doing: 'x', adopt: (m: unknown) => adopted.push(m) };
    const first = createGuarded(peer, { ...creation, create: () => gate.promise });
    await expect(createGuarded(peer, { ...creation, create: async () => closable() })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      message: 'busy',
    });
    gate.resolve(made);
    await expect(first).resolves.toBe(made);
    expect(adopted).toEqual([made]);
    await expect(createGuarded(peer, { ...creation, create: async () => closable() })).resolves.toBeDefined();
  });

  it('a slot already taken is a CONFLICT without creating anything', async () => {
    let created = 0;
    const create = async () => (created++, closable());
    const c = { slot: 's', conflict: 'taken', taken: () => true, doing: 'x', create, adopt: () => undefined };
    await expect(createGuarded(fakePeer(), c)).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    expect(created).toBe(0);
  });

  it('an object made while the peer left is closed and not adopted (NOT_IN_ROOM)', async () => {
    const peer = fakePeer();
    const made = closable();
    let adopted = false;
    const c = { slot: 's', conflict: 'c', doing: 'producing', adopt: () => (adopted = true) };
    const result = createGuarded(peer, {
      ...c,
      create: async () => {
        peer.closed = true;
        return made;
      },
    });
    await expect(result).rejects.toMatchObject({
      code: ErrorCode.NOT_IN_ROOM,
      message: 'Left the room while producing',
    });
    expect(made.closed).toBe(true);
    expect(adopted).toBe(false);
  });

  it('its router gone: a made object is closed, a failure is reported as a reset (MEDIA_UNAVAILABLE)', async () => {
    let placed = true;
    const base = {
      slot: 's',
      conflict: 'c',
      doing: 'consuming',
      stillPlaced: () => placed,
      adopt: () => undefined,
    };
    const made = closable();
    const madeThenLost = createGuarded(fakePeer(), {
      ...base,
      create: async () => ((placed = false), made),
    });
    await expect(madeThenLost).rejects.toMatchObject({ code: ErrorCode.MEDIA_UNAVAILABLE });
    expect(made.closed).toBe(true);
    const failed = createGuarded(fakePeer(), {
      ...base,
      create: async () => {
        throw new Error('router closed');
      },
    });
    await expect(failed).rejects.toMatchObject({ code: ErrorCode.MEDIA_UNAVAILABLE });
    placed = true;
    const other = createGuarded(fakePeer(), {
      ...base,
      create: async () => {
        throw new Error('bad input');
      },
    });
    await expect(other).rejects.toThrow('bad input');
  });
});
