import {
  ErrorCode,
  ROOM_DEFAULT_PARTICIPANTS,
  type AuthResponse,
  type Participant,
  type RoomDto,
  type UserDto,
} from '@minimeet/shared';
import { BaselineError } from './errors.js';

interface Room {
  id: number;
  name: string;
  ownerId: number;
  maxParticipants: number;
  createdAt: string;
  /** userId → that user's socket ids in the room. */
  present: Map<number, Set<string>>;
}

/**
 * Users, rooms and who is in which room, in memory. No password hashing, no signed tokens: the
 * access token is the user id, which is all the baseline needs to speak the same contract.
 */
export class Directory {
  readonly #users = new Map<number, UserDto & { password: string }>();
  readonly #byName = new Map<string, number>();
  readonly #rooms = new Map<number, Room>();
  #nextUserId = 1;
  #nextRoomId = 1;

  register(username: string, password: string): AuthResponse {
    if (this.#byName.has(username.toLowerCase())) {
      throw new BaselineError(ErrorCode.CONFLICT, 'Username already taken');
    }
    const user = { id: this.#nextUserId++, username, role: 'user' as const, password };
    this.#users.set(user.id, user);
    this.#byName.set(username.toLowerCase(), user.id);
    return this.#auth(user);
  }

  login(username: string, password: string): AuthResponse {
    const id = this.#byName.get(username.toLowerCase());
    const user = id === undefined ? undefined : this.#users.get(id);
    if (!user || user.password !== password) {
      throw new BaselineError(ErrorCode.UNAUTHORIZED, 'Wrong username or password');
    }
    return this.#auth(user);
  }

  /** The user a token names, or undefined. */
  userOf(token: unknown): UserDto | undefined {
    if (typeof token !== 'string' || !/^\d{1,9}$/.test(token)) return undefined;
    const user = this.#users.get(Number(token));
    return user ? { id: user.id, username: user.username, role: user.role } : undefined;
  }

  createRoom(owner: UserDto, name: string, maxParticipants = ROOM_DEFAULT_PARTICIPANTS): RoomDto {
    const room: Room = {
      id: this.#nextRoomId++,
      name,
      ownerId: owner.id,
      maxParticipants,
      createdAt: new Date().toISOString(),
      present: new Map(),
    };
    this.#rooms.set(room.id, room);
    return this.#dto(room);
  }

  listRooms(): RoomDto[] {
    return [...this.#rooms.values()].map((r) => this.#dto(r));
  }

  room(roomId: number): RoomDto {
    return this.#dto(this.#require(roomId));
  }

  /** Adds a socket to the room; false when a new user would exceed maxParticipants. */
  addSocket(roomId: number, userId: number, socketId: string): boolean {
    const room = this.#require(roomId);
    let sockets = room.present.get(userId);
    if (!sockets) {
      if (room.present.size >= room.maxParticipants) return false;
      room.present.set(userId, (sockets = new Set()));
    }
    sockets.add(socketId);
    return true;
  }

  /** Removes a socket; true when that was the user's last one in the room. */
  removeSocket(roomId: number, userId: number, socketId: string): boolean {
    const sockets = this.#rooms.get(roomId)?.present.get(userId);
    if (!sockets) return false;
    sockets.delete(socketId);
    if (sockets.size) return false;
    this.#rooms.get(roomId)?.present.delete(userId);
    return true;
  }

  participants(roomId: number): Participant[] {
    const room = this.#rooms.get(roomId);
    if (!room) return [];
    return [...room.present.keys()].map((userId) => ({
      userId,
      username: this.#users.get(userId)?.username ?? '?',
      role: 'speaker' as const,
    }));
  }

  roomName(roomId: number): string {
    return this.#rooms.get(roomId)?.name ?? '';
  }

  #require(roomId: number): Room {
    const room = this.#rooms.get(roomId);
    if (!room) throw new BaselineError(ErrorCode.NOT_FOUND, `Room ${roomId} not found`);
    return room;
  }

  #dto(room: Room): RoomDto {
    return {
      id: room.id,
      name: room.name,
      ownerId: room.ownerId,
      maxParticipants: room.maxParticipants,
      // The baseline has no private rooms or moderation.
      visibility: 'public',
      locked: false,
      joinMuted: false,
      allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false,
      kind: 'meeting',
      participantCount: room.present.size,
      createdAt: room.createdAt,
    };
  }

  /** The baseline's tokens never expire and it has no refresh: the pair's other half is inert. */
  #auth(user: UserDto): AuthResponse {
    const never = new Date(Date.UTC(9999, 0, 1)).toISOString();
    return {
      accessToken: String(user.id),
      accessTokenExpiresAt: never,
      refreshToken: '',
      refreshTokenExpiresAt: never,
      user: { id: user.id, username: user.username, role: user.role },
    };
  }
}
