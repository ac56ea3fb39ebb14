export * from './media-session.js';
export * from './produce-options.js';
export * from './reception.js';
export * from './signaling.js';
export * from './sink.js';
export * from './socket-signaling.js';
export * from './transport-options.js';
export * from './types.js';
