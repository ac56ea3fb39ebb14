import { describe, expect, it } from 'vitest';
import { previewOf } from '../../../test/render';
import { joinsAsAttendee, waitsInLobby } from './joinRole';

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

describe('who waits in the lobby (the pre-join screen says so)', () => {
  const lobby = (mode: 'off' | 'guests' | 'everyone') => ({ ...meeting, ownerId: 1, lobby: mode });
  it('nobody with the lobby off', () => {
    expect(waitsInLobby(lobby('off'), null, true)).toBe(false);
    expect(waitsInLobby(lobby('off'), user(2), false)).toBe(false);
  });

  it('guests only: guests wait, members do not', () => {
    expect(waitsInLobby(lobby('guests'), null, true)).toBe(true);
    expect(waitsInLobby(lobby('guests'), user(9, { role: 'guest' }), false)).toBe(true);
    expect(waitsInLobby(lobby('guests'), user(2), false)).toBe(false);
  });

  it('everyone: all but the moderators (owner, admins, app users granted moderate)', () => {
    expect(waitsInLobby(lobby('everyone'), user(2), false)).toBe(true);
    expect(waitsInLobby(lobby('everyone'), user(1), false)).toBe(false);
    expect(waitsInLobby(lobby('everyone'), { ...user(3), role: 'admin' }, false)).toBe(false);
    expect(waitsInLobby(lobby('everyone'), app({ publish: true, moderate: true }), false)).toBe(false);
    expect(waitsInLobby(lobby('everyone'), app({ publish: true, moderate: false }), false)).toBe(true);
  });
});
