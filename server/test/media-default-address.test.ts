/**
 * Out of the box (`npm start`: media listens on 0.0.0.0, no MEDIASOUP_ANNOUNCED_ADDRESS) two
 * peers on this machine get each other's media: the server announces a real address of the
 * machine in its ICE candidates, never the wildcard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  closeAllSockets,
  connect,
  createRoom,
  okData,
  registerUser,
  request,
} from './helpers/chat-client.js';
import { startServer, type ServerProcess } from '@minimeet/test-harness';

let server: ServerProcess;
const peers: MiniMeetPeer[] = [];

beforeAll(async () => {
  server = await startServer({
    env: { MEDIASOUP_WORKERS: '1', MEDIASOUP_LISTEN_IP: undefined, MEDIASOUP_ANNOUNCED_ADDRESS: undefined },
  });
});

afterAll(async () => {
  for (const p of peers) await p.close();
  closeAllSockets();
  await server?.stop();
});

describe('default media listen address', () => {
  it('announces a usable address instead of 0.0.0.0, and media flows between two peers', async () => {
    const owner = await registerUser(server.url, 'owner');
    const roomId = (await createRoom(server.url, owner.accessToken, 'default-address')).id;
    for (let i = 0; i < 2; i++) {
      const peer = new MiniMeetPeer({
        url: server.url,
        roomId,
        username: `addr_${process.pid % 10000}_${i}`,
        password: 'correct horse battery',
      });
      peers.push(peer);
      await peer.start();
    }
    // What a client is told: the candidates of a fresh transport.
    const owner2 = await connect(server.url, owner.accessToken);
    okData(await request(owner2, 'joinRoom', { roomId }));
    const info = okData(await request(owner2, 'createWebRtcTransport', { roomId, direction: 'recv' }));
    expect(info.iceCandidates.length).toBeGreaterThan(0);
    for (const c of info.iceCandidates) expect(c.address).not.toBe('0.0.0.0');
    // One strong fingerprint (mediasoup-client would put only the last of several into the SDP).
    expect(info.dtlsParameters.fingerprints.map((f) => f.algorithm)).toEqual(['sha-256']);

    const deadline = Date.now() + 15_000;
    const flowing = () =>
      peers.every((p) => p.openStreams().length === 2 && p.openStreams().every((s) => s.packets > 0));
    while (!flowing() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(peers.map((p) => p.openStreams().map((s) => [s.kind, s.packets > 0]))).toEqual([
      expect.arrayContaining([
        ['audio', true],
        ['video', true],
      ]),
      expect.arrayContaining([
        ['audio', true],
        ['video', true],
      ]),
    ]);
    expect(server.output()).toMatch(/MEDIASOUP_ANNOUNCED_ADDRESS not set/);
  });
});
