export * from './peer.js';
export * from './clip-media.js';
