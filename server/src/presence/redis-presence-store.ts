import { decodePresentName, encodePresentName } from './participant-of.js';
import type { Participant, ParticipantRole } from '@minimeet/shared';
import type { Redis } from 'ioredis';
import {
  sortParticipants,
  type AddSocketOutcome,
  type IdleUser,
  type PresenceOwner,
  type PresenceStore,
  type RoomCapacity,
  type SetRoleOutcome,
} from './presence-store.js';

// Keys per room:
//   <prefix>:presence:<roomId>:users            hash userId → username
//   <prefix>:presence:<roomId>:roles            hash userId → role (none: 'speaker', as before webinars)
//   <prefix>:presence:<roomId>:audience         set of the attendees' userIds (the stage is users − audience)
//   <prefix>:presence:<roomId>:sockets:<userId> set of socket ids
//   <prefix>:presence:<roomId>:owners           hash "<userId>:<socketId>" → "<nodeId>:<bootId>"
//                                               ("<userId>:" = that node is counting the user's grace)
// and per node boot, the reverse index a sweep of a dead boot reads:
//   <prefix>:presence:node:<nodeId>:<bootId>    set of "<roomId>:<userId>:<socketId>" (or "...:" for grace)
// Each operation is one Lua script so concurrent processes never see a half-applied change, and
// the owner records change in the same scripts as the sockets they describe.

// Drops the user's grace record, whichever node owns it. Expects locals room, user and keys
// owners (KEYS) and nodePrefix (ARGV) under the names used below.
const DROP_GRACE = `
local graceField = user .. ':'
local graceOwner = redis.call('HGET', owners, graceField)
if graceOwner then
  redis.call('HDEL', owners, graceField)
  redis.call('SREM', nodePrefix .. graceOwner, room .. ':' .. graceField)
end`;

const ADD_SOCKET = `
local users, sockets, owners, nodeSet, roles, audience = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local user, username, socket, room, owner, nodePrefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local role, stageMax, audienceMax = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
local present = redis.call('HEXISTS', users, user)
if present == 0 then
  local attendees = redis.call('SCARD', audience)
  if role == 'attendee' then
    if attendees >= audienceMax then return -1 end
  elseif redis.call('HLEN', users) - attendees >= stageMax then return -1 end
  redis.call('HSET', users, user, username)
  redis.call('HSET', roles, user, role)
  if role == 'attendee' then redis.call('SADD', audience, user) end
end
redis.call('SADD', sockets, socket)
redis.call('HSET', owners, user .. ':' .. socket, owner)
redis.call('SADD', nodeSet, room .. ':' .. user .. ':' .. socket)
${DROP_GRACE}
if present == 0 then return 1 end
return 0`;

const REMOVE_SOCKET = `
local users, sockets, owners, nodeSet = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local user, socket, room, owner, nodePrefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
redis.call('SREM', sockets, socket)
local field = user .. ':' .. socket
local socketOwner = redis.call('HGET', owners, field)
if socketOwner then
  redis.call('HDEL', owners, field)
  redis.call('SREM', nodePrefix .. socketOwner, room .. ':' .. field)
end
local left = redis.call('SCARD', sockets)
if left == 0 and redis.call('HEXISTS', users, user) == 1 then
  -- This node now counts the grace period: if it dies, whoever sweeps it ends the grace.
  ${DROP_GRACE}
  redis.call('HSET', owners, user .. ':', owner)
  redis.call('SADD', nodeSet, room .. ':' .. user .. ':')
end
return left`;

const REMOVE_IF_IDLE = `
local users, sockets, owners, roles, audience = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local user, room, nodePrefix = ARGV[1], ARGV[2], ARGV[3]
if redis.call('SCARD', sockets) > 0 then return 0 end
${DROP_GRACE}
redis.call('HDEL', roles, user)
redis.call('SREM', audience, user)
return redis.call('HDEL', users, user)`;

// Returns {0} when the user is absent, {-1} when the stage is full, else {1, username}.
const SET_ROLE = `
local users, roles, audience = KEYS[1], KEYS[2], KEYS[3]
local user, role, stageMax = ARGV[1], ARGV[2], tonumber(ARGV[3])
local username = redis.call('HGET', users, user)
if not username then return {0} end
local current = redis.call('HGET', roles, user) or 'speaker'
if role ~= 'attendee' and current == 'attendee' then
  if redis.call('HLEN', users) - redis.call('SCARD', audience) >= stageMax then return {-1} end
end
redis.call('HSET', roles, user, role)
if role == 'attendee' then redis.call('SADD', audience, user) else redis.call('SREM', audience, user) end
return {1, username}`;

const CLEAR_ROOM = `
local users, owners, roles, audience = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local socketsPrefix, room, nodePrefix = ARGV[1], ARGV[2], ARGV[3]
local held = redis.call('HGETALL', owners)
for i = 1, #held, 2 do redis.call('SREM', nodePrefix .. held[i + 1], room .. ':' .. held[i]) end
redis.call('DEL', owners)
local all = redis.call('HGETALL', users)
for i = 1, #all, 2 do redis.call('DEL', socketsPrefix .. all[i]) end
redis.call('DEL', users, roles, audience)
return all`;

// Removes every socket and grace record of one node boot; returns "<roomId>:<userId>" of the
// users it left with no socket (still present: the caller removes them after the grace period).
const SWEEP_OWNER = `
local nodeSet = KEYS[1]
local presencePrefix, owner = ARGV[1], ARGV[2]
local idle, seen = {}, {}
for _, entry in ipairs(redis.call('SMEMBERS', nodeSet)) do
  local room, user, socket = string.match(entry, '^(%d+):(%d+):(.*)$')
  if room then
    local roomPrefix = presencePrefix .. room .. ':'
    local sockets = roomPrefix .. 'sockets:' .. user
    local owners = roomPrefix .. 'owners'
    if socket ~= '' then redis.call('SREM', sockets, socket) end
    local field = user .. ':' .. socket
    if redis.call('HGET', owners, field) == owner then redis.call('HDEL', owners, field) end
    local key = room .. ':' .. user
    if not seen[key] and redis.call('SCARD', sockets) == 0 and redis.call('HEXISTS', roomPrefix .. 'users', user) == 1 then
      seen[key] = true
      idle[#idle + 1] = key
    end
  end
end
redis.call('DEL', nodeSet)
return idle`;

export class RedisPresenceStore implements PresenceStore {
  private readonly owner: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    self: PresenceOwner,
  ) {
    this.owner = ownerOf(self);
  }

  private roomPrefix(roomId: number) {
    return `${this.prefix}:presence:${roomId}:`;
  }
  private usersKey(roomId: number) {
    return `${this.roomPrefix(roomId)}users`;
  }
  private rolesKey(roomId: number) {
    return `${this.roomPrefix(roomId)}roles`;
  }
  private audienceKey(roomId: number) {
    return `${this.roomPrefix(roomId)}audience`;
  }
  private ownersKey(roomId: number) {
    return `${this.roomPrefix(roomId)}owners`;
  }
  private socketsPrefix(roomId: number) {
    return `${this.roomPrefix(roomId)}sockets:`;
  }
  private socketsKey(roomId: number, userId: number) {
    return this.socketsPrefix(roomId) + userId;
  }
  private get nodePrefix() {
    return `${this.prefix}:presence:node:`;
  }
  private nodeKey(owner: string) {
    return this.nodePrefix + owner;
  }

  async addSocket(
    roomId: number,
    user: Participant,
    socketId: string,
    capacity: RoomCapacity,
  ): Promise<AddSocketOutcome> {
    const result = await this.redis.eval(
      ADD_SOCKET,
      6,
      this.usersKey(roomId),
      this.socketsKey(roomId, user.userId),
      this.ownersKey(roomId),
      this.nodeKey(this.owner),
      this.rolesKey(roomId),
      this.audienceKey(roomId),
      String(user.userId),
      encodePresentName(user),
      socketId,
      String(roomId),
      this.owner,
      this.nodePrefix,
      user.role,
      String(capacity.stage),
      String(capacity.audience),
    );
    if (result === -1) return { admitted: false };
    return { admitted: true, userAdded: result === 1 };
  }

  async removeSocket(roomId: number, userId: number, socketId: string): Promise<number> {
    const left = await this.redis.eval(
      REMOVE_SOCKET,
      4,
      this.usersKey(roomId),
      this.socketsKey(roomId, userId),
      this.ownersKey(roomId),
      this.nodeKey(this.owner),
      String(userId),
      socketId,
      String(roomId),
      this.owner,
      this.nodePrefix,
    );
    return Number(left);
  }

  async removeUserIfIdle(roomId: number, userId: number): Promise<boolean> {
    const removed = await this.redis.eval(
      REMOVE_IF_IDLE,
      5,
      this.usersKey(roomId),
      this.socketsKey(roomId, userId),
      this.ownersKey(roomId),
      this.rolesKey(roomId),
      this.audienceKey(roomId),
      String(userId),
      String(roomId),
      this.nodePrefix,
    );
    return Number(removed) === 1;
  }

  async setRole(roomId: number, userId: number, role: ParticipantRole, stageCap: number): Promise<SetRoleOutcome> {
    const [status, username] = (await this.redis.eval(
      SET_ROLE,
      3,
      this.usersKey(roomId),
      this.rolesKey(roomId),
      this.audienceKey(roomId),
      String(userId),
      role,
      String(stageCap),
    )) as [number, string?];
    if (status === 0) return { ok: false, reason: 'absent' };
    if (status === -1) return { ok: false, reason: 'stageFull' };
    return { ok: true, participant: { userId, ...decodePresentName(username ?? ''), role } };
  }

  async roleOf(roomId: number, userId: number): Promise<ParticipantRole | null> {
    const [present, role] = await Promise.all([
      this.redis.hexists(this.usersKey(roomId), String(userId)),
      this.redis.hget(this.rolesKey(roomId), String(userId)),
    ]);
    if (!present) return null;
    return asRole(role);
  }

  async participants(roomId: number): Promise<Participant[]> {
    const [users, roles] = await this.redis
      .multi()
      .hgetall(this.usersKey(roomId))
      .hgetall(this.rolesKey(roomId))
      .exec()
      .then((r) => (r ?? []).map(([, v]) => (v ?? {}) as Record<string, string>));
    return toParticipants(users ?? {}, roles ?? {});
  }

  async counts(roomIds: number[]): Promise<Map<number, number>> {
    if (!roomIds.length) return new Map();
    const pipeline = this.redis.pipeline();
    for (const id of roomIds) pipeline.hlen(this.usersKey(id));
    const results = (await pipeline.exec()) ?? [];
    return new Map(roomIds.map((id, i) => [id, Number(results[i]?.[1] ?? 0)]));
  }

  async clearRoom(roomId: number): Promise<Participant[]> {
    const flat = (await this.redis.eval(
      CLEAR_ROOM,
      4,
      this.usersKey(roomId),
      this.ownersKey(roomId),
      this.rolesKey(roomId),
      this.audienceKey(roomId),
      this.socketsPrefix(roomId),
      String(roomId),
      this.nodePrefix,
    )) as string[];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    return toParticipants(hash);
  }

  async sweepOwner(owner: PresenceOwner): Promise<IdleUser[]> {
    const idle = (await this.redis.eval(
      SWEEP_OWNER,
      1,
      this.nodeKey(ownerOf(owner)),
      `${this.prefix}:presence:`,
      ownerOf(owner),
    )) as string[];
    return idle.map((key) => {
      const [roomId, userId] = key.split(':').map(Number) as [number, number];
      return { roomId, userId };
    });
  }

  async roomNodes(roomIds: number[]): Promise<Map<number, string[]>> {
    if (!roomIds.length) return new Map();
    const pipeline = this.redis.pipeline();
    for (const id of roomIds) pipeline.hvals(this.ownersKey(id));
    const results = (await pipeline.exec()) ?? [];
    return new Map(
      roomIds.map((id, i) => {
        const owners = (results[i]?.[1] as string[] | undefined) ?? [];
        // "<nodeId>:<bootId>": node ids may not contain ':' (bootIds are UUIDs, which do not either).
        const nodes = new Set(owners.map((o) => o.slice(0, o.lastIndexOf(':'))));
        return [id, [...nodes].sort()];
      }),
    );
  }
}

function ownerOf(owner: PresenceOwner): string {
  return `${owner.nodeId}:${owner.bootId}`;
}

function asRole(value: string | null | undefined): ParticipantRole {
  return value === 'host' || value === 'attendee' ? value : 'speaker';
}

function toParticipants(hash: Record<string, string>, roles: Record<string, string> = {}): Participant[] {
  return sortParticipants(
    Object.entries(hash).map(([userId, stored]) => ({ userId: Number(userId), ...decodePresentName(stored), role: asRole(roles[userId]) })),
  );
}
