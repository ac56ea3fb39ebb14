import type { ChatRateLimiter } from '../chat/chat-rate-limiter.js';

/** Injection token for the per-IP guest login limiter: the chat limiter's fixed window, keyed by address. */
export const GUEST_LOGIN_LIMITER = Symbol('GUEST_LOGIN_LIMITER');
export type GuestLoginLimiter = ChatRateLimiter;

export const GUEST_LOGIN_WINDOW_MS = 60_000;
