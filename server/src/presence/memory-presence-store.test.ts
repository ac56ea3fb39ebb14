import { describe, expect, it } from 'vitest';
import { MemoryPresenceStore } from './memory-presence-store.js';

const alice = { userId: 1, username: 'alice', role: 'speaker' as const };
const bob = { userId: 2, username: 'bob', role: 'speaker' as const };
const carol = { userId: 3, username: 'carol', role: 'speaker' as const };

/** A meeting's capacity: n on stage, no audience. */
const cap = (n: number) => ({ stage: n, audience: 0 });

describe('MemoryPresenceStore', () => {
  it('counts a user once however many sockets, and refuses a full room to newcomers only', async () => {
    const store = new MemoryPresenceStore();
    expect(await store.addSocket(10, alice, 's1', cap(2))).toEqual({ admitted: true, userAdded: true });
    expect(await store.addSocket(10, alice, 's2', cap(2))).toEqual({ admitted: true, userAdded: false });
    expect(await store.addSocket(10, bob, 's3', cap(2))).toEqual({ admitted: true, userAdded: true });
    expect(await store.addSocket(10, carol, 's4', cap(2))).toEqual({ admitted: false });
    expect(await store.addSocket(10, alice, 's5', cap(2))).toEqual({ admitted: true, userAdded: false });
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
    await store.addSocket(1, alice, 's1', cap(8));
    await store.addSocket(1, alice, 's2', cap(8));
    expect(await store.removeSocket(1, alice.userId, 's1')).toBe(1);
    expect(await store.removeUserIfIdle(1, alice.userId)).toBe(false);
    expect(await store.removeSocket(1, alice.userId, 's2')).toBe(0);
    expect(await store.participants(1)).toEqual([alice]); // grace: still present
    expect(await store.removeUserIfIdle(1, alice.userId)).toBe(true);
    expect(await store.participants(1)).toEqual([]);
    expect(await store.removeUserIfIdle(1, alice.userId)).toBe(false);
  });

  it('keeps the guest mark of a guest, and only theirs', async () => {
    const store = new MemoryPresenceStore();
    const grace = { userId: 9, username: 'alice', role: 'speaker' as const, guest: true as const };
    await store.addSocket(3, grace, 's1', cap(8));
    await store.addSocket(3, alice, 's2', cap(8));
    expect(await store.participants(3)).toEqual([alice, grace]);
    expect(await store.setRole(3, grace.userId, 'attendee', 8)).toEqual({ ok: true, participant: { ...grace, role: 'attendee' } });
  });

  it('clearRoom forgets everyone and reports who was there', async () => {
    const store = new MemoryPresenceStore();
    await store.addSocket(5, bob, 's1', cap(8));
    await store.addSocket(5, alice, 's2', cap(8));
    expect(await store.clearRoom(5)).toEqual([alice, bob]);
    expect(await store.counts([5])).toEqual(new Map([[5, 0]]));
  });

  it('counts attendees against the audience and the rest against the stage; setRole moves users within the caps', async () => {
    const store = new MemoryPresenceStore();
    const webinar = { stage: 1, audience: 1 };
    const attendee = (p: { userId: number; username: string }) => ({ ...p, role: 'attendee' as const });
    expect(await store.addSocket(7, { ...alice, role: 'host' }, 's1', webinar)).toEqual({ admitted: true, userAdded: true });
    expect(await store.addSocket(7, attendee(bob), 's2', webinar)).toEqual({ admitted: true, userAdded: true });
    expect(await store.addSocket(7, attendee(carol), 's3', webinar)).toEqual({ admitted: false });
    expect(await store.setRole(7, bob.userId, 'speaker', 1)).toEqual({ ok: false, reason: 'stageFull' });
    expect(await store.setRole(7, carol.userId, 'speaker', 2)).toEqual({ ok: false, reason: 'absent' });
    expect(await store.setRole(7, bob.userId, 'speaker', 2)).toEqual({ ok: true, participant: { ...bob, role: 'speaker' } });
    expect(await store.roleOf(7, bob.userId)).toBe('speaker');
    // bob left the audience: carol fits now.
    expect(await store.addSocket(7, attendee(carol), 's3', webinar)).toEqual({ admitted: true, userAdded: true });
    expect((await store.participants(7)).map((p) => p.role)).toEqual(['host', 'speaker', 'attendee']);
  });
});
