import { ErrorCode } from '@minimeet/shared';
import { connect, okData, record, refusedWith, request } from './chat-client.js';

/** A moderator's socket joined to the room, recording its lobbyUpdate events. */
export async function lobbyHost(url: string, token: string, roomId: number) {
  const socket = await connect(url, token);
  const updates = record(socket, 'lobbyUpdate');
  const joined = okData(await request(socket, 'joinRoom', { roomId }));
  /** The user ids of the last update's list (undefined before the first). */
  const waiting = () => updates.at(-1)?.waiting.map((e) => e.userId);
  return { socket, updates, joined, waiting };
}

/** A socket of `token` that asked to join and was told to wait, recording what it is told next. */
export async function lobbyWaiter(url: string, token: string, roomId: number) {
  const socket = await connect(url, token);
  const admitted = record(socket, 'lobbyAdmitted');
  const denied = record(socket, 'lobbyDenied');
  refusedWith(await request(socket, 'joinRoom', { roomId }), ErrorCode.WAITING_IN_LOBBY);
  return { socket, admitted, denied };
}
