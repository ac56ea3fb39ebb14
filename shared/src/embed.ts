import type { Participant } from './rooms.js';

/**
 * The embed page's postMessage API (`/embed/rooms/:id` inside an iframe, issue 20 item 6).
 * Every message carries `source: 'minimeet'` so a page hosting other frames can tell ours apart.
 * The parent sends commands; the frame answers each with a result (same `requestId`) and sends
 * events. Both sides check origins: the frame accepts commands only from an origin in
 * EMBED_ALLOWED_ORIGINS and posts only to its parent's origin (never '*').
 */
export const EMBED_MESSAGE_SOURCE = 'minimeet';

/** Path of the embed call page; `:id` is the room id. */
export const EMBED_ROOM_PATH_PREFIX = '/embed/rooms/';

export const EMBED_COMMANDS = [
  'muteMic',
  'unmuteMic',
  'muteCamera',
  'unmuteCamera',
  'toggleChat',
  'leave',
  /** Answered with the frame's state (a handshake for a parent that loaded late). */
  'getState',
] as const;
export type EmbedCommandName = (typeof EMBED_COMMANDS)[number];

/** Parent → frame. */
export interface EmbedCommand {
  source: typeof EMBED_MESSAGE_SOURCE;
  type: 'command';
  command: EmbedCommandName;
  /** Echoed in the result; optional (fire and forget without it, a result is still sent). */
  requestId?: string;
}

/** Where the frame is: loading/joining, in the call, or out of it. */
/** 'waiting': held in the room's lobby until a moderator admits (or denies) this user. */
export type EmbedCallStatus = 'joining' | 'waiting' | 'joined' | 'left' | 'ended' | 'error';

/** The frame's state as `getState` answers it and each result carries. */
export interface EmbedState {
  status: EmbedCallStatus;
  roomId: number;
  micOn: boolean;
  cameraOn: boolean;
  chatOpen: boolean;
  participantCount: number;
}

/**
 * A refused command or a problem of the call. `code`: EMBED_UNKNOWN_COMMAND, EMBED_NOT_IN_CALL,
 * EMBED_MEDIA (camera/microphone could not start), EMBED_TOKEN (the token was refused), or the
 * server's ErrorCode of why the call could not start or ended (NOT_FOUND, ROOM_FULL, …).
 */
export interface EmbedError {
  code: string;
  message: string;
}

/** Frame → parent, answering one command. */
export type EmbedResult = {
  source: typeof EMBED_MESSAGE_SOURCE;
  type: 'result';
  command: EmbedCommandName;
  requestId?: string;
} & ({ ok: true; state: EmbedState } | { ok: false; error: EmbedError });

/** Frame → parent: what happened, with its data. */
export interface EmbedEventMap {
  /** The frame listens for commands (sent once, before joining). */
  ready: { roomId: number };
  joined: { roomId: number; self: { userId: number; username: string } };
  /** `reason`: the user (or a `leave` command) left, the call ended, or joining failed. */
  left: { roomId: number; reason: 'left' | 'ended' | 'error' };
  participantsChanged: { count: number; participants: Participant[] };
  /** null: nobody is speaking. */
  activeSpeaker: { userId: number | null };
  micChanged: { on: boolean };
  cameraChanged: { on: boolean };
  error: EmbedError;
}
export type EmbedEventName = keyof EmbedEventMap;

export type EmbedEvent = {
  [K in EmbedEventName]: { source: typeof EMBED_MESSAGE_SOURCE; type: 'event'; event: K; data: EmbedEventMap[K] };
}[EmbedEventName];

/** Frame → parent. */
export type EmbedOutgoingMessage = EmbedEvent | EmbedResult;

/** GET /api/embed/config: what the embed page needs before it trusts a parent. */
export interface EmbedConfigDto {
  /** Exact origins (`https://lms.example.com`) that may frame the embed page and command it. */
  allowedOrigins: string[];
}

/** A command as it arrives: its name not checked yet (an unknown one is answered with an error). */
export type EmbedCommandEnvelope = Omit<EmbedCommand, 'command'> & { command: string };

/** Whether a message event's data is shaped like a command (anything else is ignored silently). */
export function isEmbedCommandEnvelope(data: unknown): data is EmbedCommandEnvelope {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Partial<Record<keyof EmbedCommand, unknown>>;
  return (
    m.source === EMBED_MESSAGE_SOURCE &&
    m.type === 'command' &&
    typeof m.command === 'string' &&
    m.command.length <= 64 &&
    (m.requestId === undefined || (typeof m.requestId === 'string' && m.requestId.length <= 128))
  );
}

export function isEmbedCommandName(name: string): name is EmbedCommandName {
  return (EMBED_COMMANDS as readonly string[]).includes(name);
}
