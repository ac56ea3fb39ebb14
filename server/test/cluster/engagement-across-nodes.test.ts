/**
 * Issue 19 item 4 across nodes: one room with people on two nodes (one Redis, one MariaDB). The
 * hand queue has one order whichever node each hand was raised on, reactions reach the other
 * node's sockets, and the host's mute-all on node A pauses the microphone of a peer on node B.
 */
import { describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  connect,
  createRoom,
  okData,
  record,
  registerUser,
  request,
  waitFor,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { useTwoNodeCluster, type ClusterNode } from '../helpers/cluster-nodes.js';

let nodeA: ClusterNode;
let nodeB: ClusterNode;

useTwoNodeCluster(
  {
    ids: ['hnodea', 'hnodeb'],
    basePort: 47000,
    rtcBase: 47200,
    pipeBase: 47400,
    portsPerNode: 50,
    subnets: { min: 161, max: 180 },
    env: { PRESENCE_GRACE_MS: '1000' },
  },
  (nodes) => ([nodeA, nodeB] = nodes),
);

describe('raise hand, reactions and mute all across two nodes', () => {
  it('one hand order for hands raised on either node; reactions and mute-all cross nodes', async () => {
    const owner = await registerUser(nodeA.url, 'hown');
    const room = await createRoom(nodeA.url, owner.accessToken, 'hands two nodes', 10);
    const join = async (node: ClusterNode, token: string): Promise<ClientSocket> => {
      const socket = await connect(node.url, token);
      okData(await request(socket, 'joinRoom', { roomId: room.id }));
      return socket;
    };
    const ownerSocket = await join(nodeA, owner.accessToken);
    const users = [
      await registerUser(nodeB.url, 'hb1'),
      await registerUser(nodeA.url, 'ha1'),
      await registerUser(nodeB.url, 'hb2'),
    ];
    const sockets = [
      await join(nodeB, users[0]!.accessToken),
      await join(nodeA, users[1]!.accessToken),
      await join(nodeB, users[2]!.accessToken),
    ];
    const onA = record(ownerSocket, 'handQueue');
    const onB = record(sockets[2]!, 'handQueue');

    // Raised on B, A, B, in that order (each acked before the next).
    for (const s of sockets) okData(await request(s, 'raiseHand', { roomId: room.id }));
    const order = users.map((u) => u.user.id);
    await waitFor(
      () => onA.at(-1)?.hands.length === 3 && onB.at(-1)?.hands.length === 3,
      5000,
      'queue on both nodes',
    );
    expect(onA.at(-1)!.hands.map((h) => h.userId)).toEqual(order);
    expect(onB.at(-1)!.hands.map((h) => h.userId)).toEqual(order);

    // The host on A lowers the first hand (raised on B); both nodes see the same rest.
    okData(await request(ownerSocket, 'lowerHand', { roomId: room.id, userId: users[0]!.user.id }));
    await waitFor(() => onB.at(-1)?.hands.length === 2, 5000, 'lowered on B');
    expect(onB.at(-1)!.hands.map((h) => h.userId)).toEqual(order.slice(1));

    // A reaction sent on B reaches the host on A.
    const reactions = record(ownerSocket, 'reaction');
    okData(await request(sockets[0]!, 'sendReaction', { roomId: room.id, emoji: '👏' }));
    await waitFor(() => reactions.length === 1, 5000, 'reaction across nodes');
    expect(reactions[0]).toEqual({ roomId: room.id, userId: users[0]!.user.id, emoji: '👏' });

    // Mute all from A pauses the microphone of a peer whose media lives on B.
    const peer = new MiniMeetPeer({
      url: nodeB.url,
      roomId: room.id,
      username: `hpeer_${process.pid % 10000}_${Math.random().toString(36).slice(2, 6)}`,
      password: 'correct horse battery',
      reconnection: false,
    });
    try {
      await peer.start();
      const muted = record(peer.socket as unknown as ClientSocket, 'moderatorMuted');
      okData(await request(ownerSocket, 'muteAll', { roomId: room.id }));
      await waitFor(() => muted.length === 1, 10_000, 'moderatorMuted on node B');
      const stats = await peer.request('getMediaStats', { roomId: room.id });
      expect(stats.producers.find((p) => p.producerId === peer.producers.get('mic')!.id)?.paused).toBe(true);
    } finally {
      await peer.close();
    }
  }, 120_000);
});
