import type {
  ChatMessage,
  LoadMessageHistoryRequest,
  MessagePage,
  SendMessageData,
  SendMessageRequest,
} from './chat.js';
import type { Ack, WireError } from './errors.js';
import type { JoinRoomData, JoinRoomRequest, LeaveRoomData, LeaveRoomRequest, Participant } from './rooms.js';

/**
 * The one definition of the Socket.IO contract (default namespace). Every client→server event
 * takes a request payload and an ack callback answered with Ack<response>. Features add their
 * events by adding entries to these two interfaces; the typed maps below follow.
 */
export interface ClientRequests {
  joinRoom: { request: JoinRoomRequest; response: JoinRoomData };
  leaveRoom: { request: LeaveRoomRequest; response: LeaveRoomData };
  sendMessage: { request: SendMessageRequest; response: SendMessageData };
  loadMessageHistory: { request: LoadMessageHistoryRequest; response: MessagePage };
}

/** Server→client events and their payloads. */
export interface ServerEvents {
  /** Sent to the whole room whenever the set of present users changes. */
  participantsUpdate: { roomId: number; participants: Participant[] };
  /** Sent to the whole room (the sender's sockets included) once the message is stored. */
  newMessage: { message: ChatMessage };
  /** Sent to the sending socket only when a sendMessage is refused. */
  messageError: { clientMessageId: string | null; error: WireError };
  /** The room was deleted; the socket is no longer in it. */
  roomDeleted: { roomId: number };
}

export type ClientEventName = keyof ClientRequests;
export type ServerEventName = keyof ServerEvents;
export type RequestOf<E extends ClientEventName> = ClientRequests[E]['request'];
export type ResponseOf<E extends ClientEventName> = ClientRequests[E]['response'];
export type AckCallback<T> = (response: Ack<T>) => void;

/** Socket.IO generic for `Server<ClientToServerEvents, …>` and `Socket<ServerToClientEvents, …>`. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: RequestOf<E>, ack: AckCallback<ResponseOf<E>>) => void;
};

export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEvents[E]) => void;
};

/** Event names as values (for code that must not spell them as string literals). */
export const ClientEvent = {
  joinRoom: 'joinRoom',
  leaveRoom: 'leaveRoom',
  sendMessage: 'sendMessage',
  loadMessageHistory: 'loadMessageHistory',
} as const satisfies { [E in ClientEventName]: E };

export const ServerEvent = {
  participantsUpdate: 'participantsUpdate',
  newMessage: 'newMessage',
  messageError: 'messageError',
  roomDeleted: 'roomDeleted',
} as const satisfies { [E in ServerEventName]: E };
