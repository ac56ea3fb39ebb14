import type { ClientToServerEvents, ServerToClientEvents, UserDto } from '@minimeet/shared';
import type { Server, Socket } from 'socket.io';

/** Per-socket state, set by the handshake auth middleware. */
export interface SocketData {
  user: UserDto;
  /** Rooms this socket has joined (kept here because socket.rooms is emptied before 'disconnect'). */
  joinedRooms: Set<number>;
  /** When the access token the socket authenticated with (handshake or auth:renew) expires, ms since epoch. */
  accessTokenExpiresAt: number;
  /** The token version that token carries: a bump (revocation) ends the socket. */
  tokenVersion: number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no server-to-server events yet
export interface InterServerEvents {}

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The Socket.IO room every socket of a MiniMeet room is in. */
export function roomChannel(roomId: number): string {
  return `room:${roomId}`;
}

/** The Socket.IO room of every socket of one user (on every process): revocation reaches them all. */
export function userChannel(userId: number): string {
  return `user:${userId}`;
}
