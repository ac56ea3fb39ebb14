import { describe, expect, it } from 'vitest';
import { MemoryPresenceStore } from './memory-presence-store.js';

const alice = { userId: 1, username: 'alice' };
const bob = { userId: 2, username: 'bob' };
const carol = { userId: 3, username: 'carol' };

describe('MemoryPresenceStore', () => {
  it('counts a user once however many sockets, and refuses a full room to newcomers only', async () => {
    const store = new MemoryPresenceStore();
    expect(await store.addSocket(10, alice, 's1', 2)).toEqual({ admitted: true, userAdded: true });
    expect(await store.addSocket(10, alice, 's2', 2)).toEqual({ admitted: true, userAdded: false });
    expect(await store.addSocket(10, bob, 's3', 2)).toEqual({ admitted: true, userAdded: true });
    expect(await store.addSocket(10, carol, 's4', 2)).toEqual({ admitted: false });
    expect(await store.addSocket(10, alice, 's5', 2)).toEqual({ admitted: true, userAdded: false });
    expect(await store.participants(10)).toEqual([alice, bob]);
    expect(await store.counts([10, 11])).toEqual(
      new Map([
        [10, 2],
        [11, 0],
      ]),
    );
  });

  it('keeps an idle user until removeUserIfIdle, and not while a socket remains', async () => {
    const store = new MemoryPresenceStore();
    await store.addSocket(1, alice, 's1', 8);
    await store.addSocket(1, alice, 's2', 8);
    expect(await store.removeSocket(1, alice.userId, 's1')).toBe(1);
    expect(await store.removeUserIfIdle(1, alice.userId)).toBe(false);
    expect(await store.removeSocket(1, alice.userId, 's2')).toBe(0);
    expect(await store.participants(1)).toEqual([alice]); // grace: still present
    expect(await store.removeUserIfIdle(1, alice.userId)).toBe(true);
    expect(await store.participants(1)).toEqual([]);
    expect(await store.removeUserIfIdle(1, alice.userId)).toBe(false);
  });

  it('clearRoom forgets everyone and reports who was there', async () => {
    const store = new MemoryPresenceStore();
    await store.addSocket(5, bob, 's1', 8);
    await store.addSocket(5, alice, 's2', 8);
    expect(await store.clearRoom(5)).toEqual([alice, bob]);
    expect(await store.counts([5])).toEqual(new Map([[5, 0]]));
  });
});
