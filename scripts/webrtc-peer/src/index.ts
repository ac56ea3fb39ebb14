export * from './peer.js';
export * from './clip-media.js';
export * from './rtp-sequence.js';
