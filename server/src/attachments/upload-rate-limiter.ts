import type { ChatRateLimiter } from '../chat/chat-rate-limiter.js';

/** Injection token for the per-user attachment upload limiter (the chat limiter's policy, its own keys). */
export const UPLOAD_RATE_LIMITER = Symbol('UPLOAD_RATE_LIMITER');
export type UploadRateLimiter = ChatRateLimiter;
