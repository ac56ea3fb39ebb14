export * from './health.js';
export * from './errors.js';
export * from './auth.js';
export * from './rooms.js';
export * from './chat.js';
export * from './calls.js';
export * from './socket-events.js';
export * from './media.js';
