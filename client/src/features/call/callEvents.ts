/** The server events of one joined room, routed: room and presence to the call, chat to the chat store. */
import type {
  LobbyEntry,
  MutableSource,
  ParticipantsDeltaEvent,
  RaisedHand,
  ReactionEmoji,
  RecordingStateEvent,
  RoomDto,
} from '@minimeet/shared';
import { onServerEvent, onSocketConnect } from '../../lib/socket';
import { useChatStore } from '../chat/chatStore';
import {
  adminRoleEndedError,
  callEndedError,
  removedError,
  roomDeletedError,
  type CallError,
} from './callErrors';

export interface CallEventHandlers {
  /** Who joined and left since the previous delta. */
  participantsDelta(delta: ParticipantsDeltaEvent): void;
  /** Who is present must be loaded again (the server's presence lost state). */
  participantsResync(): void;
  roomUpdated(room: RoomDto): void;
  /** The server took us out of the room (deleted, removed, call ended). */
  ended(error: CallError): void;
  moderatorMuted(source: MutableSource, byUsername: string): void;
  handQueue(hands: RaisedHand[]): void;
  reaction(userId: number, emoji: ReactionEmoji): void;
  /** Recording started or stopped. */
  recordingState(state: RecordingStateEvent): void;
  /** The socket is back after a drop. */
  socketReconnected(): void;
  /** Moderators: who waits in the lobby now. */
  lobbyUpdate(waiting: LobbyEntry[]): void;
  /** Waiting in the lobby: a moderator let us in (join again) or turned us away. */
  lobbyAdmitted(): void;
  lobbyDenied(): void;
}

/** Subscribes to the room's events; the returned function unsubscribes them all. */
export function subscribeCallEvents(roomId: number, on: CallEventHandlers): () => void {
  const unsubscribers = [
    onServerEvent('participantsDelta', (p) => {
      if (p.roomId === roomId) on.participantsDelta(p);
    }),
    onServerEvent('participantsResync', (p) => {
      if (p.roomId === roomId) on.participantsResync();
    }),
    onServerEvent('roomDeleted', (p) => {
      if (p.roomId === roomId) on.ended(roomDeletedError);
    }),
    onServerEvent('removedFromRoom', (p) => {
      if (p.roomId === roomId) on.ended(removedError(p.byUsername));
    }),
    onServerEvent('roleChanged', (p) => {
      if (p.leftRoomIds.includes(roomId)) on.ended(adminRoleEndedError);
    }),
    onServerEvent('callEnded', (p) => {
      if (p.roomId === roomId) on.ended(callEndedError(p.byUsername));
    }),
    onServerEvent('roomUpdated', (p) => {
      if (p.room.id === roomId) on.roomUpdated(p.room);
    }),
    onServerEvent('moderatorMuted', (p) => {
      if (p.roomId === roomId) on.moderatorMuted(p.source, p.byUsername);
    }),
    onServerEvent('handQueue', (p) => {
      if (p.roomId === roomId) on.handQueue(p.hands);
    }),
    onServerEvent('reaction', (p) => {
      if (p.roomId === roomId) on.reaction(p.userId, p.emoji);
    }),
    onServerEvent('recordingState', (p) => {
      if (p.roomId === roomId) on.recordingState(p);
    }),
    onServerEvent('newMessage', (p) => useChatStore.getState().receive(p.message)),
    onServerEvent('messageError', (p) => {
      // UNAVAILABLE: the store keeps the message pending and resends it (see chatStore deliver).
      if (p.clientMessageId && p.error.code !== 'UNAVAILABLE')
        useChatStore.getState().markFailed(p.clientMessageId, p.error.message);
    }),
    onServerEvent('lobbyUpdate', (p) => {
      if (p.roomId === roomId) on.lobbyUpdate(p.waiting);
    }),
    onServerEvent('lobbyAdmitted', (p) => {
      if (p.roomId === roomId) on.lobbyAdmitted();
    }),
    onServerEvent('lobbyDenied', (p) => {
      if (p.roomId === roomId) on.lobbyDenied();
    }),
    onSocketConnect(({ reconnect }) => {
      if (reconnect) on.socketReconnected();
    }),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
