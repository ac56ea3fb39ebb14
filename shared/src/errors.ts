/**
 * Error codes shared by REST error bodies and Socket.IO ack errors, so a client handles one
 * vocabulary whichever transport failed.
 */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  /**
   * No such resource. For rooms also the answer to a private room the caller may not see, on
   * every REST route and socket event, with the same status and text: the two cannot be told apart.
   */
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  ROOM_FULL: 'ROOM_FULL',
  RATE_LIMITED: 'RATE_LIMITED',
  /** SFU: the transport id is not one of the caller's transports. */
  TRANSPORT_NOT_FOUND: 'TRANSPORT_NOT_FOUND',
  /** SFU: no such producer in the caller's room (or, for pause/resume/close, not the caller's). */
  PRODUCER_NOT_FOUND: 'PRODUCER_NOT_FOUND',
  /** SFU: the consumer id is not one of the caller's consumers. */
  CONSUMER_NOT_FOUND: 'CONSUMER_NOT_FOUND',
  /** SFU: router.canConsume refused (capabilities), or consuming one's own producer. */
  CANNOT_CONSUME: 'CANNOT_CONSUME',
  /** SFU: an audio producer outside the receiver's K loudest (see `audibleProducers`); consume it once listed. */
  NOT_AUDIBLE: 'NOT_AUDIBLE',
  /**
   * SFU: a webinar attendee may only receive: its createWebRtcTransport (send) and produce are
   * refused until a host brings it on stage (setStage), and again once sent back.
   */
  NOT_ON_STAGE: 'NOT_ON_STAGE',
  /**
   * SFU: the caller already holds VIDEO_CONSUMERS_PER_PEER_MAX open video consumers; close those
   * it no longer shows (off its page) before consuming more.
   */
  TOO_MANY_CONSUMERS: 'TOO_MANY_CONSUMERS',
  /** SFU: the room's media is being recreated (worker died); retry after mediaReset. */
  MEDIA_UNAVAILABLE: 'MEDIA_UNAVAILABLE',
  /** A per-user / per-socket / per-peer cap is reached (sockets in a room, rooms per socket, …). */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The room is locked by its owner: no new joiners. */
  ROOM_LOCKED: 'ROOM_LOCKED',
  /**
   * The user may not (or no longer) be in a private room without its invite link. The server no
   * longer answers a join with it (a private room joined without a valid token is NOT_FOUND, like a
   * missing room); clients still use it, e.g. when an admin-only stay ends with the admin role.
   */
  INVITE_REQUIRED: 'INVITE_REQUIRED',
  /** A moderator removed the user from this room; they may not rejoin until let back. */
  REMOVED_FROM_ROOM: 'REMOVED_FROM_ROOM',
  /**
   * A dependency of the server (database, Redis) is down for now, or this server node is draining
   * before it stops: nothing was done (or, for a chat send, it is safe to resend with the same
   * clientMessageId). Retry after `details.retryAfterMs`; REST answers 503 with a Retry-After header.
   */
  UNAVAILABLE: 'UNAVAILABLE',
  /** An upload is larger than the server accepts (ATTACHMENT_MAX_BYTES); REST answers 413. */
  TOO_LARGE: 'TOO_LARGE',
  /** The upload would take the user past their storage quota (ATTACHMENT_QUOTA_BYTES); REST answers 413. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /**
   * Lobby: the room's lobby holds this joiner until a moderator decides; the socket stays and gets
   * lobbyAdmitted (join again) or lobbyDenied.
   */
  WAITING_IN_LOBBY: 'WAITING_IN_LOBBY',
  /** Lobby: a moderator turned this user away; joining again waits again only after LOBBY_DENY_COOLDOWN_MS. */
  LOBBY_DENIED: 'LOBBY_DENIED',
  /** Recording: the node's free disk space is below what recording needs (start refused, or recording stopped). */
  STORAGE_FULL: 'STORAGE_FULL',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetails {
  /** For VALIDATION: failing field path → human readable messages. */
  fields?: Record<string, string[]>;
  /** For RATE_LIMITED and UNAVAILABLE: how long to wait before trying again. */
  retryAfterMs?: number;
  /**
   * For UNAUTHORIZED from POST /api/auth/external: why the minted token was refused
   * (an ExternalTokenRefusal: MALFORMED, UNKNOWN_KEY, KEY_REVOKED, BAD_SIGNATURE, EXPIRED, EXPIRY_TOO_FAR).
   */
  reason?: string;
}

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

/** Every client→server socket event is answered with exactly one Ack. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** JSON body of every non-2xx REST response. */
export interface ApiErrorBody {
  statusCode: number;
  error: WireError;
}

/** The `connect_error` message for a missing, malformed or expired handshake token. */
export const SOCKET_UNAUTHORIZED = 'unauthorized';

/**
 * `connect_error.data` of a handshake refused by a connection cap (message LIMIT_EXCEEDED: the
 * user or the address already holds its maximum of open sockets), by the handshake rate limit
 * per address (message RATE_LIMITED), because the database could not check the token (message
 * UNAVAILABLE: the token is not known bad, retry), or by a server node that is draining before it
 * stops (message UNAVAILABLE: connect again after `retryAfterMs`, through the load balancer or to
 * another node).
 */
export interface ConnectionRefusedData {
  code: typeof ErrorCode.LIMIT_EXCEEDED | typeof ErrorCode.RATE_LIMITED | typeof ErrorCode.UNAVAILABLE;
  message: string;
  /** LIMIT_EXCEEDED: whose cap was reached (the user's sockets, or the client address's). */
  limit?: 'user' | 'ip';
  /** UNAVAILABLE: true when the node is draining before it stops (else a dependency is down). */
  draining?: boolean;
  /** When trying again may succeed (RATE_LIMITED: exact; LIMIT_EXCEEDED, UNAVAILABLE: a suggestion). */
  retryAfterMs: number;
}
