/**
 * Socket.IO rooms of the lobby. Broadcasts to them reach sockets on every node (Redis adapter),
 * so a moderator on one node hears of a waiter on another and the other way round.
 */

/** The room's moderators present in the call: they get lobbyUpdate. */
export function lobbyHostsChannel(roomId: number): string {
  return `lobby-hosts:${roomId}`;
}

/** The sockets of one user waiting in one room's lobby: they get lobbyAdmitted / lobbyDenied. */
export function lobbyWaiterChannel(roomId: number, userId: number): string {
  return `lobby-wait:${roomId}:${userId}`;
}
