/**
 * Version of the wire protocol: the Socket.IO contract between a client (browser, Node peer, bot)
 * and a server (socket-events.ts and the types it names), and the messages between server nodes.
 *
 * "major.minor". A minor bump only adds what the other side may ignore (an optional field, an
 * event nobody has to answer); anything else (an event or field renamed, removed or given another
 * meaning, a new required field) bumps the major. Two versions are compatible when their majors
 * are equal. A client sends it in the Socket.IO handshake (`socketHandshakeAuth`); a server refuses
 * an incompatible or missing one with `connect_error` PROTOCOL_MISMATCH; a server node does not
 * work with a node of an incompatible version.
 */
// 1.1: serverDraining (a node that stops tells its sockets to reconnect), UNAVAILABLE refusals.
// 2.0: participantsUpdate (the whole list to everyone) replaced by a paged snapshot in the join
// answer + loadParticipants, then participantsDelta batches (participantsResync after presence
// was lost); producer events only to sockets joined with media.
// 2.1: webinars: RoomDto.kind, Participant.role, participantsDelta `changed`, setStage,
// NOT_ON_STAGE (a 2.0 client ignores them and is refused publishing as an attendee).
// 2.2: TOO_MANY_CONSUMERS (VIDEO_CONSUMERS_PER_PEER_MAX); nodes: pipe.layersWanted and
// pipe.unconsume (an older node ignores them: its piped video stays piped at every layer).
// 2.3: lobby (WAITING_IN_LOBBY, lobbyUpdate/Admitted/Denied, admitParticipant, denyParticipant,
// admitAll), recording (startRecording, stopRecording, recordingState, JoinRoomData.recording).
export const PROTOCOL_VERSION = '2.3';

/** The `connect_error` message when the client's protocol version does not match the server's. */
export const SOCKET_PROTOCOL_MISMATCH = 'PROTOCOL_MISMATCH';

/** `connect_error.data` of a PROTOCOL_MISMATCH refusal. */
export interface ProtocolMismatchData {
  code: typeof SOCKET_PROTOCOL_MISMATCH;
  serverVersion: string;
  /** What the client sent; null when it sent none (a client older than protocol versions). */
  clientVersion: string | null;
  message: string;
}

/** The Socket.IO handshake `auth` every client sends. */
export interface SocketHandshakeAuth {
  token: string;
  protocolVersion: string;
}

export function socketHandshakeAuth(token: string): SocketHandshakeAuth {
  return { token, protocolVersion: PROTOCOL_VERSION };
}

const VERSION = /^(\d{1,6})\.(\d{1,6})$/;

/** Whether `other` (anything a peer sent) can talk to `mine`: both "major.minor", same major. */
export function isCompatibleProtocol(other: unknown, mine: string = PROTOCOL_VERSION): boolean {
  if (typeof other !== 'string') return false;
  const a = VERSION.exec(other);
  const b = VERSION.exec(mine);
  return !!a && !!b && Number(a[1]) === Number(b[1]);
}
