/**
 * Issue 19 items 3 and 5 across nodes: a node pipes in only the video its participants consume,
 * and the sender on another node hears their layer demand. Two nodes (test hosts, else loopback
 * ports: the harness says so), one mediasoup worker each so the workers' own object counts
 * (GET /api/admin/process) are the room's: on node A the producers' pipe consumers, on node B the
 * pipe producers. A werift sender (camera + microphone) on A, light receivers on B.
 * - nobody watches the camera: its sender is told to send no layer;
 * - a viewer on B only: the camera is piped to B and the sender is told to send its layer;
 * - the viewer closes the consumer (pages away): the sender is told no layer again, and after
 *   CLUSTER_PIPE_IDLE_CLOSE_MS the camera's pipe is closed on both nodes; the microphone stays
 *   piped (B's loudest ranking hears it); the next viewer pipes the camera in again;
 * - VIDEO_CONSUMERS_PER_PEER_MAX: a viewer at the cap is refused TOO_MANY_CONSUMERS, even for a
 *   producer of another node (which is then unpiped again), and may consume once it closed one;
 * - node B dies while its viewer watches: its demand goes with it, the sender is told no layer.
 */
import type { AdminProcessReport, AuthResponse, ProducerLayersWantedEvent } from '@minimeet/shared';
import { LightReceiver, MiniMeetPeer } from '@minimeet/webrtc-peer';
import { createAdmin, waitFor } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  createRoom,
  http,
  okData,
  registerUser,
  request,
  uniqueName,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster-nodes.js';
import { cameraArriving as cameraArrivingAt } from '../helpers/media-test-server.js';

const PASSWORD = 'correct horse battery';
const IDLE_CLOSE_MS = 1500;

let cluster: Cluster;
let nodeA: ClusterNode;
let nodeB: ClusterNode;
let admin: AuthResponse;
let roomId: number;
const senders: MiniMeetPeer[] = [];
const viewers: LightReceiver[] = [];
/** producerLayersWanted the first sender got for its camera. */
const told: Array<number | null> = [];
const errors: string[] = [];

const cameraOf = (s: MiniMeetPeer) => s.producers.get('camera')!.id;

/** The one worker's producers and consumers on `node` (pipe ends included). */
async function objects(node: ClusterNode): Promise<{ producers: number; consumers: number }> {
  const res = await http<AdminProcessReport>(node.url, 'GET', '/admin/process', { token: admin.accessToken });
  expect(res.status).toBe(200);
  const o = res.body.workers[0]?.objects;
  return { producers: o?.producers ?? -1, consumers: o?.consumers ?? -1 };
}

async function until(node: ClusterNode, want: { producers: number; consumers: number }, what: string) {
  let last = { producers: -1, consumers: -1 };
  try {
    await waitFor(async () => {
      last = await objects(node);
      return last.producers === want.producers && last.consumers === want.consumers ? true : undefined;
    }, 15_000);
  } catch {
    throw new Error(
      `${what}: node ${node.id} holds ${JSON.stringify(last)}, expected ${JSON.stringify(want)}`,
    );
  }
}

async function startSender(node: ClusterNode): Promise<MiniMeetPeer> {
  const peer = new MiniMeetPeer({
    url: node.url,
    roomId,
    username: uniqueName('xsender'),
    password: PASSWORD,
    consume: false,
  });
  peer.on('error', (err) => errors.push(`sender: ${err.message}`));
  senders.push(peer);
  await peer.start();
  return peer;
}

async function startViewer(node: ClusterNode, shows: (userId: number) => boolean): Promise<LightReceiver> {
  const r = new LightReceiver({
    url: node.url,
    roomId,
    username: uniqueName('xviewer'),
    password: PASSWORD,
    showsVideo: (p) => shows(p.userId),
  });
  r.on('error', (err) => errors.push(`viewer: ${err.message}`));
  viewers.push(r);
  await r.start();
  return r;
}

/** Whether a sender's camera is arriving at its node. */
const cameraArriving = (s: MiniMeetPeer) => cameraArrivingAt(s, roomId);

const cameraPackets = (r: LightReceiver, producerId: string) =>
  r.openStreams().find((s) => s.producerId === producerId)?.packets ?? 0;

beforeAll(async () => {
  cluster = await startCluster({
    ids: ['nodea', 'nodeb'],
    basePort: 33600,
    rtcBase: 46600,
    pipeBase: 46700,
    portsPerNode: 40,
    subnets: { min: 181, max: 200 },
    env: {
      MEDIASOUP_WORKERS: '1',
      CLUSTER_NODE_TTL_MS: '3000',
      CLUSTER_PIPE_IDLE_CLOSE_MS: String(IDLE_CLOSE_MS),
      VIDEO_CONSUMERS_PER_PEER_MAX: '1',
      AUTH_RATE_LIMIT: '1000',
    },
  });
  [nodeA, nodeB] = cluster.nodes as [ClusterNode, ClusterNode];
  const adminName = uniqueName('xadmin');
  await createAdmin(cluster.databaseUrl, adminName, PASSWORD);
  admin = (
    await http<AuthResponse>(nodeA.url, 'POST', '/auth/login', {
      body: { username: adminName, password: PASSWORD },
    })
  ).body;
  const owner = await registerUser(nodeA.url, 'xowner');
  roomId = (await createRoom(nodeA.url, owner.accessToken, 'demand across nodes', 10)).id;
  const sender = await startSender(nodeA);
  const camera = cameraOf(sender);
  sender.socket.on('producerLayersWanted', (e: ProducerLayersWantedEvent) => {
    if (e.producerId === camera) told.push(e.maxSpatialLayer);
  });
}, 180_000);

afterAll(async () => {
  for (const p of [...senders, ...viewers]) await p.close().catch(() => undefined);
  closeAllSockets();
  await cluster?.stop();
}, 60_000);

describe('across nodes: only consumed video is piped, and its demand reaches the sender', () => {
  it('a viewer on node B only: piped in, the sender sends; paged away: told to stop, unpiped after the linger', async () => {
    const sender = senders[0]!;
    const camera = cameraOf(sender);
    // Nobody consumes the camera yet: the sender stops it.
    await waitFor(() => (told.at(-1) === null ? true : undefined), 15_000);
    await waitFor(async () => ((await cameraArriving(sender)) ? undefined : true), 15_000);

    const viewer = await startViewer(nodeB, (userId) => userId === sender.user!.id);
    await waitFor(() => (cameraPackets(viewer, camera) > 10 ? true : undefined), 15_000);
    // One werift encoding: its top layer is 0, wanted because of node B's viewer alone.
    expect(told.at(-1)).toBe(0);
    expect(await cameraArriving(sender)).toBe(true);
    // The camera and the microphone are piped: their pipe consumers on A, pipe producers on B.
    await until(nodeA, { producers: 2, consumers: 2 }, 'both piped out of A');
    await until(nodeB, { producers: 2, consumers: 2 }, 'both piped into B, both consumed');

    // The viewer pages away: its camera consumer closes.
    const consumerId = viewer.openStreams().find((s) => s.producerId === camera)!.consumerId;
    okData(await request(viewer.socket as ClientSocket, 'closeConsumer', { consumerId }));
    await waitFor(() => (told.at(-1) === null ? true : undefined), 15_000);
    await waitFor(async () => ((await cameraArriving(sender)) ? undefined : true), 15_000);
    // After the linger the camera's pipe is gone on both nodes; the microphone's stays.
    await until(nodeB, { producers: 1, consumers: 1 }, 'camera unpiped on B');
    await until(nodeA, { producers: 2, consumers: 1 }, 'camera pipe consumer closed on A');

    // The next viewer on B pipes it in again and the sender is told to send.
    const next = await startViewer(nodeB, (userId) => userId === sender.user!.id);
    await waitFor(() => (cameraPackets(next, camera) > 10 ? true : undefined), 15_000);
    expect(told.at(-1)).toBe(0);
    await until(nodeA, { producers: 2, consumers: 2 }, 'camera piped out of A again');
    expect(errors).toEqual([]);
  }, 90_000);

  it('a viewer at VIDEO_CONSUMERS_PER_PEER_MAX is refused TOO_MANY_CONSUMERS until it closes one', async () => {
    const second = await startSender(nodeA);
    const viewer = viewers.at(-1)!;
    const socket = viewer.socket as ClientSocket;
    const ask = () =>
      request(socket, 'consume', {
        transportId: viewer.transportId!,
        producerId: cameraOf(second),
        rtpCapabilities: { codecs: [] },
      });
    const refused = await ask();
    expect(refused.ok ? 'consumed' : refused.error.code).toBe('TOO_MANY_CONSUMERS');
    // The refused camera was piped in for nothing: it goes after the linger. Piped into B stay the
    // first sender's camera and both microphones, consumed by the two viewers (both microphones
    // each: K = 3) and the second viewer's camera.
    await until(nodeB, { producers: 3, consumers: 5 }, 'refused camera unpiped on B');
    await until(nodeA, { producers: 4, consumers: 3 }, 'refused camera’s pipe consumer closed on A');

    const open = viewer.openStreams().find((s) => s.kind === 'video')!;
    okData(await request(socket, 'closeConsumer', { consumerId: open.consumerId }));
    const again = await ask();
    // Past the cap now: what refuses it is the empty capabilities this test sent.
    expect(again.ok ? 'consumed' : again.error.code).toBe('CANNOT_CONSUME');
    expect(errors).toEqual([]);
  }, 90_000);

  it('node B dies while its viewer watches: the sender on A is told no layer is wanted', async () => {
    const sender = senders[0]!;
    const camera = cameraOf(sender);
    await waitFor(() => (told.at(-1) === null ? true : undefined), 15_000);
    const watcher = await startViewer(nodeB, (userId) => userId === sender.user!.id);
    await waitFor(() => (cameraPackets(watcher, camera) > 10 ? true : undefined), 15_000);
    expect(told.at(-1)).toBe(0);
    await nodeB.kill();
    // A sees B dead (CLUSTER_NODE_TTL_MS), closes its pipes to B: B's demand goes with them.
    await waitFor(() => (told.at(-1) === null ? true : undefined), 20_000);
    await until(nodeA, { producers: 4, consumers: 0 }, 'no pipe consumer left on A');
  }, 90_000);
});
