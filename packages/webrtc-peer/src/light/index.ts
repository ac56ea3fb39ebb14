export * from './dtls-client-link.js';
export * from './ice-lite-client.js';
export * from './light-receiver.js';
export * from './receive-capabilities.js';
export * from './rtp-header.js';
