/**
 * Issue 18 item 2 acceptance: a rolling restart under a running call. Two nodes (each on its own
 * test host; loopback ports where namespaces can't be made — the harness says so), one room,
 * four Node WebRTC peers (two per node) all receiving each other. Node B gets SIGTERM: its peers
 * are told `serverDraining` naming node A, move there by themselves and get their media back;
 * every peer again receives every other peer's streams; an observer on A never sees them leave
 * the room; B exits within its grace period. B is started again (same id), then A is drained the
 * same way: everybody moves to B and the call goes on.
 */
import type { AuthResponse, CallSessionDto, CallSessionsResponse, Participant, ServerDrainingEvent } from '@minimeet/shared';
import { createAdmin } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  followRoom,
  registerUser,
  request,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster-nodes.js';
import { allReceiving, remoteStreams } from '../helpers/peer-streams.js';

const NODE_TTL_MS = 3000;
const GRACE_MS = 20_000;
const PRESENCE_GRACE_MS = 8000;
const PASSWORD = 'correct horse battery';

let cluster: Cluster;
let roomId: number;
let owner: AuthResponse;
let admin: AuthResponse;
let nodeA: ClusterNode;
let nodeB: ClusterNode;
const peers: MiniMeetPeer[] = [];
type DrainNotice = Omit<ServerDrainingEvent, 'shutdownInMs'>;
const drained = new Map<MiniMeetPeer, DrainNotice[]>();
let seq = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeCall(): string {
  return peers
    .map((p) => `${p.user?.username} on ${p.currentUrl}: ${JSON.stringify(p.packetCounts())}`)
    .join('\n');
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeCall()}`);
    await sleep(100);
  }
}

async function startPeer(node: ClusterNode): Promise<MiniMeetPeer> {
  const peer = new MiniMeetPeer({
    url: node.url,
    roomId,
    username: `rr_${node.id}_${process.pid % 10000}_${++seq}`,
    password: PASSWORD,
  });
  peer.on('error', (err) => console.warn(`[peer ${peer.user?.username}] ${err.message}`));
  const events: DrainNotice[] = [];
  drained.set(peer, events);
  peer.on('serverDraining', (e) => events.push(e));
  await peer.start();
  return peer;
}

/** Every remote stream of every peer gains packets over `ms`. */
async function expectAllRising(ms: number): Promise<void> {
  const before = remoteStreams(peers).map((r) => r.stream?.packets ?? 0);
  await sleep(ms);
  remoteStreams(peers).forEach((r, i) => {
    const gained = (r.stream?.packets ?? 0) - before[i]!;
    // audio ~50 pkt/s, video ≥ 15 pkt/s: far above this floor when the stream flows.
    expect(gained, `${r.kind} ${r.producerId} at ${r.receiver.user.username}`).toBeGreaterThan(10);
  });
}

/** A plain socket in the room on `node`, following its participant list (what every client shows). */
async function observe(node: ClusterNode) {
  const user = await registerUser(node.url, 'rrobs');
  const socket: ClientSocket = await connect(node.url, user.accessToken);
  const followed = await followRoom(socket, { roomId });
  expect(missingPeers(followed.data.participants), 'peers present when the observer joins').toEqual([]);
  return { socket, updates: followed.deltas, followed };
}

/** The peers' users missing from a participant list. */
function missingPeers(participants: Participant[]): string[] {
  const present = new Set(participants.map((p) => p.userId));
  return peers.filter((p) => !present.has(p.user.id)).map((p) => p.user.username);
}

/**
 * Drains `leaving` (SIGTERM) while the call runs: its peers move to `staying`, the call is whole
 * again, `observer` (on `staying`) never sees any peer leave, and the node exits within its grace.
 */
async function drainNode(
  leaving: ClusterNode,
  staying: ClusterNode,
  observer: Awaited<ReturnType<typeof observe>>,
  expectedMovers: number,
) {
  const movers = peers.filter((p) => p.currentUrl === leaving.url);
  expect(movers.length).toBe(expectedMovers);
  const drainsBefore = new Map(movers.map((p) => [p, drained.get(p)!.length]));
  const seenBefore = observer.updates.length;
  const exit = leaving.terminate(GRACE_MS + 15_000);
  await until(
    () => movers.every((p) => drained.get(p)!.length > drainsBefore.get(p)!),
    10_000,
    'serverDraining at the movers',
  );
  for (const p of movers) {
    const [event] = drained.get(p)!.slice(-1);
    expect(event!.alternativeUrl).toBe(staying.url);
    expect(event!.reconnectInMs).toBeLessThanOrEqual(GRACE_MS / 3);
  }
  const since = Date.now();
  await until(() => movers.every((p) => p.currentUrl === staying.url), 15_000, 'the movers on the other node');
  await until(() => allReceiving(peers, since), 60_000, 'every peer to receive every remote stream again');
  const receivingAfter = Date.now() - since;
  // Rebuilt consumers start at the bandwidth estimate's floor: give video a moment to ramp up.
  await sleep(2000);
  await expectAllRising(5000);
  const { code, signal, ms } = await exit;
  // On failure the node's last lines say why it did not stop cleanly.
  expect({ code, signal }, leaving.server.output().slice(-4000)).toEqual({ code: 0, signal: null });
  // The movers were gone long before the grace ran out; nothing waited for it.
  expect(ms).toBeLessThan(GRACE_MS);
  expect(leaving.server.output()).toContain('drained: every socket has gone');
  // Past the presence grace period too: the sweep of the stopped node removed nobody.
  await sleep(PRESENCE_GRACE_MS + NODE_TTL_MS);
  const updates = observer.updates.slice(seenBefore);
  const peerIds = new Set(peers.map((p) => p.user.id));
  for (const u of updates) expect(u.left.filter((id) => peerIds.has(id)), 'a peer shown as gone').toEqual([]);
  expect(missingPeers(observer.followed.ids().map((userId) => ({ userId, username: '', role: 'speaker' as const }))), 'peers in the list').toEqual([]);
  // And the room's presence (what a joiner is told) still holds every peer.
  const now = okData(await request(observer.socket, 'joinRoom', { roomId }));
  expect(missingPeers(now.participants), 'peers present after the drain').toEqual([]);
  await expectAllRising(3000);
  console.info(
    `drained ${leaving.id}: ${movers.length} peers moved to ${staying.id}, call whole again ${receivingAfter} ms after the first drain notice; exit ${ms} ms after SIGTERM`,
  );
}

beforeAll(async () => {
  cluster = await startCluster({
    ids: ['rra', 'rrb'],
    basePort: 42000,
    rtcBase: 42100,
    pipeBase: 42300,
    portsPerNode: 50,
    subnets: { min: 40, max: 59 },
    env: {
      CLUSTER_NODE_TTL_MS: String(NODE_TTL_MS),
      PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
  });
  [nodeA, nodeB] = cluster.nodes as [ClusterNode, ClusterNode];
  const adminName = `rradmin${process.pid % 100000}`;
  await createAdmin(cluster.databaseUrl, adminName, PASSWORD);
  admin = (await http<AuthResponse>(nodeA.url, 'POST', '/auth/login', { body: { username: adminName, password: PASSWORD } })).body;
  owner = await registerUser(nodeA.url, 'rrowner');
  roomId = (await createRoom(nodeA.url, owner.accessToken, 'rolling restart', 10)).id;
  for (const node of [nodeA, nodeB, nodeA, nodeB]) peers.push(await startPeer(node));
}, 180_000);

afterAll(async () => {
  await Promise.all(peers.map((p) => p.close().catch(() => undefined)));
  closeAllSockets();
  await cluster?.stop();
}, 60_000);

/** The room's call records, as an admin sees them (through `node`). */
async function roomCalls(node: ClusterNode): Promise<CallSessionDto[]> {
  const res = await http<CallSessionsResponse>(node.url, 'GET', '/admin/calls', { token: admin.accessToken });
  expect(res.status).toBe(200);
  return res.body.calls.filter((c) => c.roomId === roomId);
}

let callId: number;

describe('rolling restart of a two-node cluster during a call', () => {
  it('the call runs across both nodes', async () => {
    console.info(`cluster mode: ${cluster.mode}${cluster.fallbackReason ? ` (${cluster.fallbackReason})` : ''}`);
    await until(() => allReceiving(peers), 45_000, 'every peer to receive every remote stream');
    await expectAllRising(3000);
    const calls = await roomCalls(nodeA);
    expect(calls.map((c) => c.endedAt)).toEqual([null]);
    callId = calls[0]!.id;
  }, 60_000);

  it('node B drained: its peers move to A by themselves, the call goes on, nobody leaves, B exits', async () => {
    const observer = await observe(nodeA);
    await drainNode(nodeB, nodeA, observer, 2);
    expect(peers.every((p) => p.currentUrl === nodeA.url)).toBe(true);
    observer.socket.close();
  }, 150_000);

  it('node B restarted (same id), then node A drained: everybody moves to B, the call goes on', async () => {
    await nodeB.restart();
    // B has to be up in A's registry (a heartbeat) before A can name it.
    await sleep(NODE_TTL_MS);
    const observer = await observe(nodeB);
    await drainNode(nodeA, nodeB, observer, 4);
    expect(peers.every((p) => p.currentUrl === nodeB.url)).toBe(true);
    // One call all along: never ended by either drain, no second record started.
    const calls = await roomCalls(nodeB);
    expect(calls.map((c) => ({ id: c.id, endedAt: c.endedAt }))).toEqual([{ id: callId, endedAt: null }]);
    observer.socket.close();
  }, 180_000);
});
