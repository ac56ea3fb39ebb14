import type {
  ChatMessage,
  LoadMessageHistoryRequest,
  MessagePage,
  SendMessageData,
  SendMessageRequest,
} from './chat.js';
import type { AdminStatsSnapshot, AdminSubscribeData } from './admin.js';
import type {
  RenewSocketAuthData,
  RenewSocketAuthRequest,
  RoleChangedEvent,
  SessionEndReason,
} from './auth.js';
import type { ServerDrainingEvent } from './drain.js';
import type { Ack, WireError } from './errors.js';
import type {
  ActiveSpeakerEvent,
  AudibleProducersEvent,
  CloseConsumerRequest,
  ConnectWebRtcTransportRequest,
  ConsumeData,
  ConsumeRequest,
  ConsumerClosedEvent,
  ConsumerScoreEvent,
  ConsumerIdData,
  ConsumerIdRequest,
  ConsumerLayersChangedEvent,
  CreateWebRtcTransportRequest,
  GetMediaStatsRequest,
  MediaResetEvent,
  MediaStatsData,
  NewProducerEvent,
  ProduceData,
  ProduceRequest,
  ProducerEvent,
  ProducerIdData,
  ProducerIdRequest,
  ProducerLayersWantedEvent,
  ProducerScoreEvent,
  RestartIceData,
  RestartIceRequest,
  SetConsumerLayersRequest,
  TransportIdData,
  WebRtcTransportInfo,
} from './media.js';
import type {
  CallEndedEvent,
  EndCallData,
  EndCallRequest,
  ModeratorMutedEvent,
  MuteParticipantData,
  MuteParticipantRequest,
  ParticipantActionData,
  RemovedFromRoomEvent,
  RemoveParticipantRequest,
  RoomUpdatedEvent,
} from './moderation.js';
import type {
  HandQueueData,
  HandQueueEvent,
  LowerHandRequest,
  MuteAllData,
  MuteAllRequest,
  RaiseHandRequest,
  ReactionEvent,
  SendReactionData,
  SendReactionRequest,
} from './engagement.js';
import type {
  JoinRoomData,
  JoinRoomRequest,
  LeaveRoomData,
  LeaveRoomRequest,
  LoadParticipantsRequest,
  ParticipantsDeltaEvent,
  ParticipantsPage,
} from './rooms.js';
import type { SetStageData, SetStageRequest } from './webinar.js';
import type {
  LobbyAdmittedEvent,
  LobbyDecisionData,
  LobbyDecisionRequest,
  LobbyDeniedEvent,
  LobbyRoomRequest,
  LobbyUpdateEvent,
} from './lobby.js';
import type { RecordingRoomRequest, RecordingStateEvent } from './recording.js';

/**
 * The one definition of the Socket.IO contract (default namespace). Every client→server event
 * takes a request payload and an ack callback answered with Ack<response>. Features add their
 * events by adding entries to these two interfaces; the typed maps below follow.
 */
export interface ClientRequests {
  joinRoom: { request: JoinRoomRequest; response: JoinRoomData };
  leaveRoom: { request: LeaveRoomRequest; response: LeaveRoomData };
  loadParticipants: { request: LoadParticipantsRequest; response: ParticipantsPage };
  sendMessage: { request: SendMessageRequest; response: SendMessageData };
  loadMessageHistory: { request: LoadMessageHistoryRequest; response: MessagePage };
  // SFU signaling (media.ts)
  createWebRtcTransport: { request: CreateWebRtcTransportRequest; response: WebRtcTransportInfo };
  connectWebRtcTransport: { request: ConnectWebRtcTransportRequest; response: TransportIdData };
  restartIce: { request: RestartIceRequest; response: RestartIceData };
  produce: { request: ProduceRequest; response: ProduceData };
  pauseProducer: { request: ProducerIdRequest; response: ProducerIdData };
  resumeProducer: { request: ProducerIdRequest; response: ProducerIdData };
  closeProducer: { request: ProducerIdRequest; response: ProducerIdData };
  consume: { request: ConsumeRequest; response: ConsumeData };
  pauseConsumer: { request: ConsumerIdRequest; response: ConsumerIdData };
  resumeConsumer: { request: ConsumerIdRequest; response: ConsumerIdData };
  closeConsumer: { request: CloseConsumerRequest; response: ConsumerIdData };
  setConsumerLayers: { request: SetConsumerLayersRequest; response: ConsumerIdData };
  getMediaStats: { request: GetMediaStatsRequest; response: MediaStatsData };
  // Moderation (moderation.ts): the room's owner and admins; FORBIDDEN for everyone else
  muteParticipant: { request: MuteParticipantRequest; response: MuteParticipantData };
  removeParticipant: { request: RemoveParticipantRequest; response: ParticipantActionData };
  endCall: { request: EndCallRequest; response: EndCallData };
  // Engagement (engagement.ts): hands and reactions for everyone in the room; muteAll and lowering others' hands moderators only
  raiseHand: { request: RaiseHandRequest; response: HandQueueData };
  lowerHand: { request: LowerHandRequest; response: HandQueueData };
  sendReaction: { request: SendReactionRequest; response: SendReactionData };
  muteAll: { request: MuteAllRequest; response: MuteAllData };
  // Webinar (webinar.ts): hosts bring attendees on stage and back
  setStage: { request: SetStageRequest; response: SetStageData };
  // Lobby (lobby.ts): the room's moderators decide who waits; FORBIDDEN for everyone else
  admitParticipant: { request: LobbyDecisionRequest; response: LobbyDecisionData };
  denyParticipant: { request: LobbyDecisionRequest; response: LobbyDecisionData };
  admitAll: { request: LobbyRoomRequest; response: LobbyDecisionData };
  // Recording (recording.ts): the room's moderators; FORBIDDEN for everyone else
  startRecording: { request: RecordingRoomRequest; response: RecordingStateEvent };
  stopRecording: { request: RecordingRoomRequest; response: RecordingStateEvent };
  // Admin (admin.ts): admins only; FORBIDDEN for everyone else
  'admin:subscribe': { request: Record<string, never>; response: AdminSubscribeData };
  'admin:unsubscribe': { request: Record<string, never>; response: Record<string, never> };
  // Session (auth.ts): a fresh access token of the same user keeps the socket open past the old one's expiry
  'auth:renew': { request: RenewSocketAuthRequest; response: RenewSocketAuthData };
}

/** Server→client events and their payloads. */
export interface ServerEvents {
  /** To the whole room: who joined, left or changed role since the previous delta (batched; see ParticipantsDeltaEvent). */
  participantsDelta: ParticipantsDeltaEvent;
  /**
   * To a room's sockets when who is present may have changed without deltas (the shared presence
   * store lost its state: Redis restarted empty). Load the snapshot again (loadParticipants from
   * cursor 0) and keep applying deltas meanwhile (ParticipantRoster.resync).
   */
  participantsResync: { roomId: number };
  /** Sent to the whole room (the sender's sockets included) once the message is stored. */
  newMessage: { message: ChatMessage };
  /** Sent to the sending socket only when a sendMessage is refused. */
  messageError: { clientMessageId: string | null; error: WireError };
  /** The room was deleted; the socket is no longer in it. */
  roomDeleted: { roomId: number };
  // SFU (media.ts): sent to the other sockets of the room that joined with media (not those
  // refused media, MAX_SOCKETS_PER_USER_ROOM) unless noted
  newProducer: NewProducerEvent;
  producerClosed: ProducerEvent;
  producerPaused: ProducerEvent;
  producerResumed: ProducerEvent;
  /** To the consumer's owner: its consumer was closed by the server (producer gone, transport closed). */
  consumerClosed: ConsumerClosedEvent;
  /** To the whole room. */
  activeSpeaker: ActiveSpeakerEvent;
  /** To the room's sockets on a node: the loudest microphones, which receivers may consume. */
  audibleProducers: AudibleProducersEvent;
  /** To the producer's owner: which simulcast layers of its video anyone consumes. */
  producerLayersWanted: ProducerLayersWantedEvent;
  /** To the consumer's owner. */
  consumerLayersChanged: ConsumerLayersChangedEvent;
  /** To the producer's owner. */
  producerScore: ProducerScoreEvent;
  /** To the consumer's owner. */
  consumerScore: ConsumerScoreEvent;
  /** To each peer whose media objects are gone (its worker died): rejoin media (see MediaResetEvent). */
  mediaReset: MediaResetEvent;
  // Moderation (moderation.ts)
  /** To the muted user's sockets in the room. */
  moderatorMuted: ModeratorMutedEvent;
  /** To the removed user's sockets; they are no longer in the room. */
  removedFromRoom: RemovedFromRoomEvent;
  /** To everyone in the room; nobody is in it any more. */
  callEnded: CallEndedEvent;
  /** To everyone in the room: visibility, lock or join-muted changed. */
  roomUpdated: RoomUpdatedEvent;
  // Engagement (engagement.ts)
  /** To everyone in the room whenever a hand goes up or down (the whole queue, in order). */
  handQueue: HandQueueEvent;
  /** To everyone in the room: someone reacted (show it briefly on their tile). */
  reaction: ReactionEvent;
  // Lobby (lobby.ts)
  /** To the room's moderators: who waits in the lobby now, whenever it changes. */
  lobbyUpdate: LobbyUpdateEvent;
  /** To the waiting user's sockets: admitted, send joinRoom again. */
  lobbyAdmitted: LobbyAdmittedEvent;
  /** To the waiting user's sockets: a moderator turned them away. */
  lobbyDenied: LobbyDeniedEvent;
  // Recording (recording.ts)
  /** To everyone in the room: recording started or stopped. */
  recordingState: RecordingStateEvent;
  /** To sockets that sent admin:subscribe: every snapshot as it is taken. */
  'admin:stats': AdminStatsSnapshot;
  /**
   * To the socket just before the server disconnects it: its access token expired without
   * `auth:renew`, the user's tokens were revoked (logout-all, password change), or the account
   * was removed. Reconnecting needs a new token (refresh, or sign in again).
   */
  sessionEnded: { reason: SessionEndReason };
  /** To every socket of the user (within seconds, on every node) when an operator changes its role. */
  roleChanged: RoleChangedEvent;
  /** To every socket of a node that is stopping: reconnect (elsewhere) after `reconnectInMs`. */
  serverDraining: ServerDrainingEvent;
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
  loadParticipants: 'loadParticipants',
  sendMessage: 'sendMessage',
  loadMessageHistory: 'loadMessageHistory',
  createWebRtcTransport: 'createWebRtcTransport',
  connectWebRtcTransport: 'connectWebRtcTransport',
  restartIce: 'restartIce',
  produce: 'produce',
  pauseProducer: 'pauseProducer',
  resumeProducer: 'resumeProducer',
  closeProducer: 'closeProducer',
  consume: 'consume',
  pauseConsumer: 'pauseConsumer',
  resumeConsumer: 'resumeConsumer',
  closeConsumer: 'closeConsumer',
  setConsumerLayers: 'setConsumerLayers',
  getMediaStats: 'getMediaStats',
  muteParticipant: 'muteParticipant',
  removeParticipant: 'removeParticipant',
  endCall: 'endCall',
  raiseHand: 'raiseHand',
  lowerHand: 'lowerHand',
  sendReaction: 'sendReaction',
  muteAll: 'muteAll',
  setStage: 'setStage',
  admitParticipant: 'admitParticipant',
  denyParticipant: 'denyParticipant',
  admitAll: 'admitAll',
  startRecording: 'startRecording',
  stopRecording: 'stopRecording',
  'admin:subscribe': 'admin:subscribe',
  'admin:unsubscribe': 'admin:unsubscribe',
  'auth:renew': 'auth:renew',
} as const satisfies { [E in ClientEventName]: E };

export const ServerEvent = {
  participantsDelta: 'participantsDelta',
  participantsResync: 'participantsResync',
  newMessage: 'newMessage',
  messageError: 'messageError',
  roomDeleted: 'roomDeleted',
  newProducer: 'newProducer',
  producerClosed: 'producerClosed',
  producerPaused: 'producerPaused',
  producerResumed: 'producerResumed',
  consumerClosed: 'consumerClosed',
  activeSpeaker: 'activeSpeaker',
  audibleProducers: 'audibleProducers',
  producerLayersWanted: 'producerLayersWanted',
  consumerLayersChanged: 'consumerLayersChanged',
  producerScore: 'producerScore',
  consumerScore: 'consumerScore',
  mediaReset: 'mediaReset',
  moderatorMuted: 'moderatorMuted',
  removedFromRoom: 'removedFromRoom',
  callEnded: 'callEnded',
  roomUpdated: 'roomUpdated',
  handQueue: 'handQueue',
  reaction: 'reaction',
  lobbyUpdate: 'lobbyUpdate',
  lobbyAdmitted: 'lobbyAdmitted',
  lobbyDenied: 'lobbyDenied',
  recordingState: 'recordingState',
  'admin:stats': 'admin:stats',
  sessionEnded: 'sessionEnded',
  roleChanged: 'roleChanged',
  serverDraining: 'serverDraining',
} as const satisfies { [E in ServerEventName]: E };
