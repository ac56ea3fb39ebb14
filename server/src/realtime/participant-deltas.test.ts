import { ParticipantRoster, type Participant, type ParticipantsDeltaEvent } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import { ParticipantDeltaBatcher } from './participant-deltas.js';

const bob: Participant = { userId: 2, username: 'bob', role: 'attendee' };
const carol: Participant = { userId: 3, username: 'carol', role: 'attendee' };

describe('role changes in participantsDelta', () => {
  it('a change folds into a pending join and is dropped by a later leave; alone it goes as `changed`', () => {
    const sent: ParticipantsDeltaEvent[] = [];
    const batcher = new ParticipantDeltaBatcher(60_000, (d) => sent.push(d));
    batcher.joined(1, bob);
    batcher.changed(1, { ...bob, role: 'speaker' });
    batcher.changed(1, { ...carol, role: 'speaker' });
    batcher.left(1, carol.userId);
    batcher.flush(1);
    expect(sent).toEqual([{ roomId: 1, joined: [{ ...bob, role: 'speaker' }], left: [carol.userId], changed: [] }]);

    batcher.changed(1, { ...bob, role: 'attendee' });
    batcher.flush(1);
    expect(sent[1]).toEqual({ roomId: 1, joined: [], left: [], changed: [bob] });
  });

  it('the roster applies changes to present users, keeps them for users a page still holds, and drops them for users gone', () => {
    const complete = new ParticipantRoster([bob], null);
    complete.applyDelta({ joined: [], left: [], changed: [{ ...bob, role: 'speaker' }, { ...carol, role: 'speaker' }] });
    expect(complete.list()).toEqual([{ ...bob, role: 'speaker' }]);

    // Snapshot still paging: carol's change comes before the page with her.
    const paging = new ParticipantRoster([bob], 2);
    paging.applyDelta({ joined: [], left: [], changed: [{ ...carol, role: 'speaker' }] });
    expect(paging.get(carol.userId)?.role).toBe('speaker');
    // A page read before the change does not undo it.
    paging.addPage([{ ...bob, userId: 9, username: 'zed' }, carol], 9);
    expect(paging.get(carol.userId)?.role).toBe('speaker');
    // A page read before she left does not bring her back, nor does a change after the leave.
    paging.applyDelta({ joined: [], left: [carol.userId], changed: [] });
    paging.applyDelta({ joined: [], left: [], changed: [{ ...carol, role: 'attendee' }] });
    paging.addPage([carol], null);
    expect(paging.list().map((p) => p.userId)).toEqual([bob.userId, 9]);
  });
});
