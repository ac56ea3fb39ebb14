/**
 * The ban race, made deterministic: a removal recorded between a join's access check and its
 * membership write (as from another process, whose queue this one cannot see), and a removal
 * started while a join is in flight on this process. Either way the user ends up no member.
 * (The black-box rounds are in test/security/room-churn.test.ts.)
 */
import 'reflect-metadata';
import { ErrorCode, type UserDto } from '@minimeet/shared';
import { describe, expect, it } from 'vitest';
import type { CallSessionsService } from '../calls/call-sessions.service.js';
import type { AppConfig } from '../config/env.schema.js';
import { createRootLogger } from '../logging/logger.js';
import { MemoryPresenceStore } from '../presence/memory-presence-store.js';
import type { RoomAccessService } from '../rooms/room-access.service.js';
import type { DependencyState } from '../dependencies/dependency-state.js';
import type { SocketPrivileges } from './socket-privileges.js';
import type { RoomBansService } from '../rooms/room-bans.service.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { Room } from '../rooms/room.entity.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import type { RealtimeServer } from './realtime-server.js';
import type { ParticipantDeltaDelivery } from './participant-delta-delivery.js';
import { DrainState } from './drain-state.js';
import { RoomSessionService } from './room-session.service.js';
import type { AppSocket } from './socket-types.js';

const ROOM_ID = 7;
const owner: UserDto = { id: 1, username: 'owner', role: 'user' } as UserDto;
const target: UserDto = { id: 2, username: 'target', role: 'user' } as UserDto;

/** Rooms, bans and membership in memory; `beforeAccessPasses` runs inside the join's access check. */
function setup(beforeAccessPasses: () => Promise<void>) {
  const members = new Set<number>();
  const banned = new Set<number>();
  const events: string[] = [];
  const room = {
    id: ROOM_ID,
    ownerId: owner.id,
    visibility: 'public',
    locked: false,
    joinMuted: false,
    kind: 'meeting',
    maxParticipants: 8,
  } as Room;
  const rooms = {
    addMember: async (_roomId: number, userId: number) => {
      events.push('addMember');
      members.add(userId);
    },
    removeMember: async (_roomId: number, userId: number) => {
      events.push('removeMember');
      members.delete(userId);
    },
    toDto: () => ({ id: ROOM_ID }),
  } as unknown as RoomsService;
  const bans = {
    ban: async (_roomId: number, userId: number) => {
      events.push('ban');
      banned.add(userId);
    },
    isBanned: async (_roomId: number, userId: number) => banned.has(userId),
  } as unknown as RoomBansService;
  const access = {
    requireVisible: async () => room,
    assertMayJoin: async (_room: Room, user: UserDto) => {
      if (banned.has(user.id)) throw new Error('banned before the check');
      await beforeAccessPasses();
      return 'member';
    },
  } as unknown as RoomAccessService;
  const config = {
    presenceGraceMs: 0,
    redisUrl: undefined,
    roomCaps: { maxPerSocket: 4, joinsPerMinute: 100, callRejoinWindowMs: 0, createPerHour: 20 },
    participantsSignaling: { pageSize: 100, deltaFlushMs: 0 },
  } as unknown as AppConfig;
  const calls = {
    userJoined: async () => undefined,
    userLeft: async () => undefined,
  } as unknown as CallSessionsService;
  const realtime = {
    ready: false,
    emitToRoom: () => undefined,
    everyProcess: async () => undefined,
  } as unknown as RealtimeServer;
  const presence = new MemoryPresenceStore();
  const service = new RoomSessionService(
    config,
    presence,
    rooms,
    {} as RoomEvents,
    calls,
    realtime,
    createRootLogger('silent'),
    access,
    bans,
    {
      current: async (socket: { data: { user: UserDto } }) => socket.data.user,
    } as unknown as SocketPrivileges,
    new DrainState(),
    { publish: () => undefined } as unknown as ParticipantDeltaDelivery,
    { unavailable: () => null, retryAfterMs: 1000 } as unknown as DependencyState,
  );
  const socket = {
    id: 'socket-1',
    data: { user: target, joinedRooms: new Set<number>() },
    disconnected: false,
    join: async () => undefined,
    leave: async () => undefined,
    emit: () => true,
  } as unknown as AppSocket;
  return { service, socket, members, banned, events, presence };
}

describe('a removal racing a join', () => {
  it('a ban recorded (with its membership removal) after the access check refuses the join and leaves no membership', async () => {
    const ctx: ReturnType<typeof setup> = setup(async () => {
      // Another process removes the user right now: ban, then end of membership.
      ctx.banned.add(target.id);
      ctx.members.delete(target.id);
    });
    const { service, socket, members, presence } = ctx;
    await expect(service.join(socket, ROOM_ID)).rejects.toMatchObject({ code: ErrorCode.REMOVED_FROM_ROOM });
    expect(members.has(target.id)).toBe(false);
    expect(socket.data.joinedRooms.has(ROOM_ID)).toBe(false);
    expect(await presence.participants(ROOM_ID)).toEqual([]);
  });

  it('a removal started during a join on this process waits for it, then ends the membership', async () => {
    let release!: () => void;
    const accessHeld = new Promise<void>((resolve) => (release = resolve));
    const ctx = setup(() => accessHeld);
    const { service, socket, members, events } = ctx;
    const join = service.join(socket, ROOM_ID);
    await new Promise((r) => setTimeout(r, 0));
    const removal = service.removeUser(ROOM_ID, target.id, owner);
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual([]); // the ban waits for the join in the room's queue
    release();
    await join;
    await removal;
    expect(events).toEqual(['addMember', 'ban', 'removeMember']);
    expect(members.has(target.id)).toBe(false);
  });
});
