import { describe, expect, it } from 'vitest';
import { previewOf } from '../../../test/render';
import { joinsAsAttendee } from './joinRole';

const meeting = previewOf(5).room;
const webinar = { ...meeting, kind: 'webinar' as const, ownerId: 1 };
const user = (id: number, extra: object = {}) => ({ id, username: `u${id}`, role: 'user' as const, ...extra });
const app = (grants: { publish: boolean; moderate: boolean }, roomId = 5) =>
  user(7, { roomScope: { roomId, grants: { subscribe: true, ...grants } } });

describe('who joins as an attendee (the pre-join screen then captures nothing)', () => {
  it('in a meeting nobody, except an app user without the publish grant', () => {
    expect(joinsAsAttendee(meeting, user(2))).toBe(false);
    expect(joinsAsAttendee(meeting, app({ publish: false, moderate: false }))).toBe(true);
    expect(joinsAsAttendee(meeting, app({ publish: true, moderate: false }))).toBe(false);
  });

  it('in a webinar everyone but its hosts (owner, admins, app users granted moderate)', () => {
    expect(joinsAsAttendee(webinar, user(1))).toBe(false);
    expect(joinsAsAttendee(webinar, { ...user(3), role: 'admin' })).toBe(false);
    expect(joinsAsAttendee(webinar, app({ publish: true, moderate: true }))).toBe(false);
    expect(joinsAsAttendee(webinar, user(2))).toBe(true);
    expect(joinsAsAttendee(webinar, app({ publish: true, moderate: false }))).toBe(true);
    // A grant for another room counts for nothing here.
    expect(joinsAsAttendee(webinar, app({ publish: true, moderate: true }, 6))).toBe(true);
  });
});
