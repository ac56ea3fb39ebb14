import { PARTICIPANTS_PAGE_MAX, ROOM_MAX_PARTICIPANTS_CEILING, ROOM_MIN_PARTICIPANTS } from '@minimeet/shared';
import { z } from 'zod';
import { intInRange, positiveInt } from './env-fields.js';

/** Rate limits (auth, chat, REST, socket events), connection caps and room caps. */
export const limitsEnv = z.object({
  AUTH_RATE_LIMIT: positiveInt('AUTH_RATE_LIMIT', 20),
  GUEST_LOGIN_RATE_LIMIT: positiveInt('GUEST_LOGIN_RATE_LIMIT', 10),
  CHAT_RATE_LIMIT: positiveInt('CHAT_RATE_LIMIT', 30),
  CHAT_RATE_WINDOW_MS: positiveInt('CHAT_RATE_WINDOW_MS', 10_000),
  REACTION_RATE_LIMIT: intInRange('REACTION_RATE_LIMIT', 5, 1, 1000),
  REACTION_RATE_WINDOW_MS: intInRange('REACTION_RATE_WINDOW_MS', 5000, 100, 3_600_000),
  REST_RATE_LIMIT: positiveInt('REST_RATE_LIMIT', 600),
  SOCKET_EVENTS_PER_SECOND: intInRange('SOCKET_EVENTS_PER_SECOND', 50, 1, 10_000),
  SOCKET_EVENT_BURST: intInRange('SOCKET_EVENT_BURST', 200, 1, 100_000),
  SOCKET_USER_EVENTS_PER_SECOND: intInRange('SOCKET_USER_EVENTS_PER_SECOND', 100, 1, 100_000),
  MAX_SOCKETS_PER_USER: intInRange('MAX_SOCKETS_PER_USER', 10, 1, 10_000),
  MAX_SOCKETS_PER_IP: intInRange('MAX_SOCKETS_PER_IP', 50, 1, 1_000_000),
  SOCKET_HANDSHAKES_PER_MINUTE: intInRange('SOCKET_HANDSHAKES_PER_MINUTE', 120, 1, 1_000_000),
  ROOM_CREATE_PER_HOUR: positiveInt('ROOM_CREATE_PER_HOUR', 20),
  MAX_ROOMS_PER_SOCKET: positiveInt('MAX_ROOMS_PER_SOCKET', 4),
  ROOM_JOINS_PER_MINUTE: intInRange('ROOM_JOINS_PER_MINUTE', 20, 1, 10_000),
  CALL_REJOIN_WINDOW_MS: intInRange('CALL_REJOIN_WINDOW_MS', 60_000, 0, 3_600_000),
  ROOM_MAX_PARTICIPANTS_LIMIT: intInRange(
    'ROOM_MAX_PARTICIPANTS_LIMIT',
    200,
    ROOM_MIN_PARTICIPANTS,
    ROOM_MAX_PARTICIPANTS_CEILING,
  ),
  WEBINAR_MAX_ATTENDEES: intInRange('WEBINAR_MAX_ATTENDEES', 1000, 0, 100_000),
  PARTICIPANTS_PAGE_SIZE: intInRange('PARTICIPANTS_PAGE_SIZE', 100, 1, PARTICIPANTS_PAGE_MAX),
  PARTICIPANTS_DELTA_FLUSH_MS: intInRange('PARTICIPANTS_DELTA_FLUSH_MS', 100, 0, 5_000),
});

export const limitsSection = limitsEnv.transform((e) => ({
  rateLimits: {
    /** Requests per minute per client IP on the auth routes (register, login). */
    authPerMinute: e.AUTH_RATE_LIMIT,
    /** Guest logins (POST /api/auth/guest) per minute per client IP. */
    guestLoginsPerMinute: e.GUEST_LOGIN_RATE_LIMIT,
    /** Messages per window per user on sendMessage. */
    chatMessages: e.CHAT_RATE_LIMIT,
    chatWindowMs: e.CHAT_RATE_WINDOW_MS,
    /** Emoji reactions per window per user (across nodes with Redis). */
    reactions: e.REACTION_RATE_LIMIT,
    reactionWindowMs: e.REACTION_RATE_WINDOW_MS,
    /** REST requests per minute per client IP (all of /api except health). */
    restPerMinute: e.REST_RATE_LIMIT,
    /** Socket events per second per socket (token-bucket refill) and the bucket size. */
    socketEventsPerSecond: e.SOCKET_EVENTS_PER_SECOND,
    socketEventBurst: e.SOCKET_EVENT_BURST,
    /** Socket events per second per user, over all their sockets on this process (bucket: 4 s of it). */
    socketUserEventsPerSecond: e.SOCKET_USER_EVENTS_PER_SECOND,
  },
  connectionCaps: {
    /** Concurrent sockets per user (across nodes with Redis). */
    socketsPerUser: e.MAX_SOCKETS_PER_USER,
    /** Concurrent sockets per client IP (TRUST_PROXY rules; across nodes with Redis). */
    socketsPerIp: e.MAX_SOCKETS_PER_IP,
    /** Socket.IO handshakes per minute per client IP on this process (token bucket, a minute's worth of burst). */
    handshakesPerMinute: e.SOCKET_HANDSHAKES_PER_MINUTE,
  },
  roomCaps: {
    /** Rooms one user may create per rolling hour (counted from the rooms table). */
    createPerHour: e.ROOM_CREATE_PER_HOUR,
    /** Rooms one socket may be in at once. */
    maxPerSocket: e.MAX_ROOMS_PER_SOCKET,
    /** Joins of one room by one user per minute (token bucket of that size, refilled over a minute). */
    joinsPerMinute: e.ROOM_JOINS_PER_MINUTE,
    /** A user back in a call within this many ms of leaving continues their participant record. */
    callRejoinWindowMs: e.CALL_REJOIN_WINDOW_MS,
    /** Highest maxParticipants a room may be given (create or PATCH). */
    maxParticipantsLimit: e.ROOM_MAX_PARTICIPANTS_LIMIT,
    /** Attendees (receive-only users) a webinar admits beside its stage (maxParticipants). */
    webinarMaxAttendees: e.WEBINAR_MAX_ATTENDEES,
  },
  participantsSignaling: {
    /** Participants per page of the join snapshot / loadParticipants. */
    pageSize: e.PARTICIPANTS_PAGE_SIZE,
    /** Joins and leaves of a room within this window go out as one participantsDelta (0: each at once). */
    deltaFlushMs: e.PARTICIPANTS_DELTA_FLUSH_MS,
  },
}));
