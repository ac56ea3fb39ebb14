/**
 * Issue 19 item 1 across nodes: a webinar with its host on node A and an attendee (a werift peer)
 * on node B (one Redis, one MariaDB). The role lives in the shared presence: the host's setStage on
 * A lets the peer publish on B, the host receives it through the node pipe, and sending it back
 * closes its producers on B at once; a bystander on B gets both role changes.
 */
import { ErrorCode } from '@minimeet/shared';
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
const peers: MiniMeetPeer[] = [];

useTwoNodeCluster(
  {
    ids: ['wnodea', 'wnodeb'],
    basePort: 49000,
    rtcBase: 49200,
    pipeBase: 49400,
    portsPerNode: 50,
    subnets: { min: 201, max: 220 },
    env: { PRESENCE_GRACE_MS: '1000' },
  },
  (nodes) => ([nodeA, nodeB] = nodes),
  async () => {
    for (const p of peers) await p.close();
  },
);

function peerOn(
  node: ClusterNode,
  roomId: number,
  login: { token: string } | { name: string },
): MiniMeetPeer {
  const who =
    'token' in login
      ? { token: login.token }
      : {
          username: `${login.name}_${process.pid % 10000}_${Math.random().toString(36).slice(2, 6)}`,
          password: 'correct horse battery',
        };
  const p = new MiniMeetPeer({ url: node.url, roomId, reconnection: false, ...who });
  peers.push(p);
  return p;
}

describe('webinar stage across two nodes', () => {
  it('a host on A brings an attendee on B on stage and back; media and roles follow on both nodes', async () => {
    const owner = await registerUser(nodeA.url, 'wown');
    const room = await createRoom(nodeA.url, owner.accessToken, 'webinar two nodes', 4, { kind: 'webinar' });
    const host = peerOn(nodeA, room.id, { token: owner.accessToken });
    await host.start();
    const attendee = peerOn(nodeB, room.id, { name: 'watt' });
    await attendee.start();
    expect(attendee.role).toBe('attendee');
    const attendeeId = attendee.user.id;
    const bystander = await connect(nodeB.url, (await registerUser(nodeB.url, 'wby')).accessToken);
    const deltas = record(bystander, 'participantsDelta');
    okData(await request(bystander, 'joinRoom', { roomId: room.id }));
    await expect(
      attendee.request('createWebRtcTransport', { roomId: room.id, direction: 'send' }),
    ).rejects.toThrow(ErrorCode.NOT_ON_STAGE);

    // On stage from A: the peer on B publishes and the host on A receives it.
    await host.request('setStage', { roomId: room.id, userId: attendeeId, onStage: true });
    await waitFor(() => attendee.producers.size === 2, 20_000, 'the speaker producing on B');
    await waitFor(
      () => host.openStreams(attendeeId).filter((s) => s.packets > 0).length === 2,
      30_000,
      'host on A receiving it',
    );
    await waitFor(
      () => deltas.some((d) => d.changed.some((p) => p.userId === attendeeId && p.role === 'speaker')),
      5000,
      'speaker on B',
    );

    // Back from A: its producers on B close for everyone; it may not publish again.
    const producerIds = [...attendee.producers.values()].map((p) => p.id);
    const closedAtHost = record(host.socket as unknown as ClientSocket, 'producerClosed');
    await host.request('setStage', { roomId: room.id, userId: attendeeId, onStage: false });
    await waitFor(
      () => producerIds.every((id) => closedAtHost.some((c) => c.producerId === id)),
      10_000,
      'producerClosed on A',
    );
    await waitFor(
      () => attendee.role === 'attendee' && attendee.producers.size === 0,
      10_000,
      'the peer on B back in the audience',
    );
    await waitFor(
      () => deltas.some((d) => d.changed.some((p) => p.userId === attendeeId && p.role === 'attendee')),
      5000,
      'attendee on B',
    );
    const stats = await attendee.request('getMediaStats', { roomId: room.id });
    expect(stats.producers).toEqual([]);
  }, 150_000);
});
