/**
 * Issue 19 item 1, webinars: attendees only receive (NOT_ON_STAGE for a send transport or a
 * producer), a host brings one on stage (it publishes, the others receive it) and sends it back
 * (its producers close), within the stage cap; attendees are admitted up to WEBINAR_MAX_ATTENDEES;
 * role changes reach everyone as participantsDelta `changed`. Real built server, real Socket.IO
 * clients, werift Node peers through real mediasoup, SQLite and MariaDB.
 */
import { ErrorCode, type ApiErrorBody, type AuthResponse, type RoomDto } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { DB_KINDS } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  joinedSocket,
  okData,
  record,
  refusedWith,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

const MAX_ATTENDEES = 3;

describe.each(DB_KINDS)('webinar rooms: stage and audience (%s)', (kind) => {
  let target: ChatTarget;
  let url: string;
  const peers: MiniMeetPeer[] = [];

  beforeAll(async () => {
    target = await startChatTarget(kind, { WEBINAR_MAX_ATTENDEES: String(MAX_ATTENDEES) });
    url = target.url;
  }, 60_000);

  afterAll(async () => {
    for (const p of peers) await p.close();
    closeAllSockets();
    await target?.stop();
  });

  const joined = (user: AuthResponse, roomId: number) => joinedSocket(url, user, roomId);

  function peer(roomId: number, login: { token: string } | { name: string }): MiniMeetPeer {
    const who =
      'token' in login
        ? { token: login.token }
        : {
            username: `${login.name}_${process.pid % 10000}_${kind}_${Math.random().toString(36).slice(2, 6)}`,
            password: 'correct horse battery',
          };
    const p = new MiniMeetPeer({ url, roomId, reconnection: false, ...who });
    peers.push(p);
    return p;
  }

  it('an attendee only receives until brought on stage; it then publishes to all; sent back, its producers close', async () => {
    const owner = await registerUser(url, 'host');
    // Stage of two: the host and one speaker.
    const room = await createRoom(url, owner.accessToken, 'webinar', 2, { kind: 'webinar' });
    const host = peer(room.id, { token: owner.accessToken });
    await host.start();
    const attendee = peer(room.id, { name: 'att' });
    await attendee.start();
    expect(attendee.role).toBe('attendee');
    expect(attendee.sendTransport).toBeUndefined();
    const attendeeId = attendee.user.id;

    // It receives the host's media.
    await waitFor(() => attendee.openStreams().filter((s) => s.packets > 0).length === 2, 20_000, 'attendee receiving the host');

    // A bystander attendee and a second attendee (for the stage cap and the non-host refusal).
    const bystanderUser = await registerUser(url, 'bystander');
    const bystander = await connect(url, bystanderUser.accessToken);
    const deltas = record(bystander, 'participantsDelta');
    const bystanderJoin = okData(await request(bystander, 'joinRoom', { roomId: room.id }));
    expect(bystanderJoin.role).toBe('attendee');
    expect(bystanderJoin.room.kind).toBe('webinar');
    expect(bystanderJoin.participants.find((p) => p.userId === attendeeId)?.role).toBe('attendee');
    const other = await registerUser(url, 'other');
    const otherSocket = await joined(other, room.id);

    // Receive only: no send transport, no producer (even on its receive transport).
    refusedWith(
      await attendee.rawRequest('createWebRtcTransport', { roomId: room.id, direction: 'send' }),
      ErrorCode.NOT_ON_STAGE,
    );
    const rtpParameters = host.producers.get('mic')!.rtpParameters;
    refusedWith(
      await attendee.rawRequest('produce', { transportId: attendee.recvTransport!.id, kind: 'audio', rtpParameters, source: 'mic' }),
      ErrorCode.NOT_ON_STAGE,
    );

    // Only hosts move people; a meeting has no stage; hosts stay on it; someone absent is not in the room.
    refusedWith(await request(otherSocket, 'setStage', { roomId: room.id, userId: attendeeId, onStage: true }), ErrorCode.FORBIDDEN);
    refusedWith(await host.rawRequest('setStage', { roomId: room.id, userId: owner.user.id, onStage: false }), ErrorCode.CONFLICT);
    refusedWith(await host.rawRequest('setStage', { roomId: room.id, userId: 999_999, onStage: true }), ErrorCode.NOT_IN_ROOM);
    refusedWith(await host.rawRequest('setStage', { roomId: room.id, userId: attendeeId, onStage: 'yes' }), ErrorCode.VALIDATION);
    const meeting = await createRoom(url, owner.accessToken, 'meeting');
    refusedWith(await host.rawRequest('setStage', { roomId: meeting.id, userId: attendeeId, onStage: true }), ErrorCode.CONFLICT);

    // On stage: it becomes a speaker, produces, and the host receives it.
    const onStage = await host.request('setStage', { roomId: room.id, userId: attendeeId, onStage: true });
    expect(onStage.participant).toMatchObject({ userId: attendeeId, role: 'speaker' });
    await waitFor(() => attendee.role === 'speaker' && attendee.producers.size === 2, 20_000, 'the speaker producing');
    await waitFor(() => host.openStreams(attendeeId).filter((s) => s.packets > 0).length === 2, 20_000, 'host receiving the speaker');
    await waitFor(
      () => deltas.some((d) => d.changed.some((p) => p.userId === attendeeId && p.role === 'speaker')),
      5000,
      'the bystander told of the new speaker',
    );

    // The stage holds two: nobody else fits on it now.
    refusedWith(await host.rawRequest('setStage', { roomId: room.id, userId: other.user.id, onStage: true }), ErrorCode.ROOM_FULL);

    // Back to the audience: its producers close at once for everyone; it cannot produce again.
    const producerIds = [...attendee.producers.values()].map((p) => p.id);
    const closedAtHost = record(host.socket as unknown as ClientSocket, 'producerClosed');
    const sendTransportId = attendee.sendTransport!.id;
    await host.request('setStage', { roomId: room.id, userId: attendeeId, onStage: false });
    await waitFor(
      () => producerIds.every((id) => closedAtHost.some((c) => c.producerId === id)),
      5000,
      'the host told the producers closed',
    );
    await waitFor(() => attendee.role === 'attendee' && attendee.producers.size === 0, 5000, 'the peer back in the audience');
    await waitFor(
      () => deltas.some((d) => d.changed.some((p) => p.userId === attendeeId && p.role === 'attendee')),
      5000,
      'the bystander told it is an attendee again',
    );
    refusedWith(
      await attendee.rawRequest('produce', { transportId: sendTransportId, kind: 'audio', rtpParameters, source: 'mic' }),
      ErrorCode.NOT_ON_STAGE,
    );
    const stats = await host.request('getMediaStats', { roomId: room.id });
    expect(stats.room.producers).toBe(2); // the host's only

    // The freed stage place takes someone else.
    await host.request('setStage', { roomId: room.id, userId: other.user.id, onStage: true });
  });

  it(`admits attendees up to WEBINAR_MAX_ATTENDEES (${MAX_ATTENDEES}) beside the stage`, async () => {
    const owner = await registerUser(url, 'host');
    const room = await createRoom(url, owner.accessToken, 'audience', 2, { kind: 'webinar' });
    const ownerJoin = okData(await request(await connect(url, owner.accessToken), 'joinRoom', { roomId: room.id }));
    expect(ownerJoin.role).toBe('host');
    for (let i = 0; i < MAX_ATTENDEES; i++) await joined(await registerUser(url, `aud${i}`), room.id);
    const late = await connect(url, (await registerUser(url, 'late')).accessToken);
    refusedWith(await request(late, 'joinRoom', { roomId: room.id }), ErrorCode.ROOM_FULL);
  });

  it('a room is a meeting unless created as a webinar; its kind changes only while nobody is in the call', async () => {
    const owner = await registerUser(url, 'owner');
    const room = (await createRoom(url, owner.accessToken, 'kind')) as RoomDto;
    expect(room.kind).toBe('meeting');
    const guest = await registerUser(url, 'guest');
    const guestSocket = await connect(url, guest.accessToken);
    expect(okData(await request(guestSocket, 'joinRoom', { roomId: room.id })).role).toBe('speaker');

    const busy = await http<ApiErrorBody>(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { kind: 'webinar' } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe(ErrorCode.CONFLICT);

    okData(await request(guestSocket, 'leaveRoom', { roomId: room.id }));
    const changed = await http<RoomDto>(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { kind: 'webinar' } });
    expect(changed.status).toBe(200);
    expect(changed.body.kind).toBe('webinar');
    expect(okData(await request(guestSocket, 'joinRoom', { roomId: room.id })).role).toBe('attendee');
    const refused = await http<ApiErrorBody>(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { kind: 'town hall' } });
    expect(refused.body.error.code).toBe(ErrorCode.VALIDATION);
  });
});
