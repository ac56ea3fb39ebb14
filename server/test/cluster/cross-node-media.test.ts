/**
 * Issue 12 acceptance: one room across two server nodes. Node A and node B each run on their own
 * test host (network namespace; loopback ports where namespaces can't be made — the harness says
 * so), share MariaDB and Redis, and join their routers with SRTP pipe transports. Four Node
 * WebRTC peers (mediasoup-client + werift) in the test runner, two connected to each node's
 * address, each sending audio + video. The scenarios run in order on one call (2 cores).
 */
import type { AdminStatsSnapshot, AuthResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { createAdmin } from '@minimeet/test-harness';
import { closeAllSockets, createRoom, http, registerUser, uniqueName } from '../helpers/chat-client.js';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster-nodes.js';
import { allReceiving, remoteStreams } from '../helpers/peer-streams.js';

const NODE_TTL_MS = 3000;
const PASSWORD = 'correct horse battery';

let cluster: Cluster;
let roomId: number;
let nodeA: ClusterNode;
let nodeB: ClusterNode;
const onA: MiniMeetPeer[] = [];
const onB: MiniMeetPeer[] = [];
const all = () => [...onA, ...onB];
let seq = 0;
let admin: AuthResponse;

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeCall()}`);
    await sleep(50);
  }
}

async function startPeer(node: ClusterNode): Promise<MiniMeetPeer> {
  const peer = new MiniMeetPeer({
    url: node.url,
    roomId,
    username: `cm_${node.id}_${process.pid % 10000}_${++seq}`,
    password: PASSWORD,
  });
  peer.on('error', (err) => console.warn(`[peer on ${node.id}] ${err.message}`));
  await peer.start();
  return peer;
}

function describeCall(): string {
  return all()
    .map(
      (p) =>
        `${p.user?.username}: ${JSON.stringify(p.packetCounts())} producers=${[...p.producers.values()].map((x) => x.id.slice(0, 8)).join(',')}`,
    )
    .join('\n');
}

/** Packets of each of `list`'s remote streams gained over `ms`. */
async function gainedOver(list: MiniMeetPeer[], ms: number) {
  const before = remoteStreams(list).map((r) => r.stream?.packets ?? 0);
  await sleep(ms);
  return remoteStreams(list).map((r, i) => ({ ...r, gained: (r.stream?.packets ?? 0) - before[i]! }));
}

beforeAll(async () => {
  cluster = await startCluster({
    ids: ['nodea', 'nodeb'],
    basePort: 33400,
    rtcBase: 45400,
    pipeBase: 45500,
    portsPerNode: 50,
    subnets: { min: 221, max: 240 },
    env: {
      CLUSTER_NODE_TTL_MS: String(NODE_TTL_MS),
      PRESENCE_GRACE_MS: '2000',
      ADMIN_STATS_INTERVAL_MS: '500',
    },
  });
  [nodeA, nodeB] = cluster.nodes as [ClusterNode, ClusterNode];
  const adminName = uniqueName('cmadmin');
  await createAdmin(cluster.databaseUrl, adminName, PASSWORD);
  admin = (
    await http<AuthResponse>(nodeA.url, 'POST', '/auth/login', {
      body: { username: adminName, password: PASSWORD },
    })
  ).body;
  const owner = await registerUser(nodeA.url, 'cmowner');
  roomId = (await createRoom(nodeA.url, owner.accessToken, 'two nodes', 10)).id;
  for (const node of [nodeA, nodeB, nodeA, nodeB]) {
    const peer = await startPeer(node);
    (node === nodeA ? onA : onB).push(peer);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(all().map((p) => p.close().catch(() => undefined)));
  closeAllSockets();
  await cluster?.stop();
}, 60_000);

describe('one room across two nodes (pipe transports)', () => {
  it('every peer receives all 6 remote streams, with packets flowing', async () => {
    console.info(
      `cluster mode: ${cluster.mode}${cluster.fallbackReason ? ` (${cluster.fallbackReason})` : ''}`,
    );
    await until(() => allReceiving(all()), 45_000, 'every peer to receive every remote stream');
    for (const p of all()) expect(p.openStreams()).toHaveLength(6);
    const gains = await gainedOver(all(), 3000);
    for (const g of gains) {
      // audio ~50 pkt/s, video ≥ 15 pkt/s: far above these floors when the stream flows.
      expect(g.gained, `${g.kind} ${g.producerId} at ${g.receiver.user.username}`).toBeGreaterThan(10);
    }
  }, 90_000);

  it('admin stats of each node show the room hosted by both nodes, with the reporting node’s worker', async () => {
    for (const [node, other] of [
      [nodeA, nodeB],
      [nodeB, nodeA],
    ] as const) {
      let hosts: Array<{ nodeId: string; workerPids?: number[] }> | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const res = await http<AdminStatsSnapshot>(node.url, 'GET', '/admin/stats', {
          token: admin.accessToken,
        });
        hosts = res.body.rooms?.find((r) => r.id === roomId)?.hosts;
        if (hosts?.length === 2) break;
        await sleep(250);
      }
      expect(hosts?.map((h) => h.nodeId)).toEqual([node.id, other.id]);
      expect(hosts?.[0]?.workerPids?.length).toBe(1);
    }
  }, 30_000);

  it('a pause on node B shows on node A (event and the consumer’s producerPaused), resume too', async () => {
    const [b1] = onB;
    const [a1] = onA;
    const micId = b1!.producers.get('mic')!.id;
    const paused: string[] = [];
    const resumed: string[] = [];
    a1!.on('producerPaused', ({ producerId }) => paused.push(producerId));
    a1!.on('producerResumed', ({ producerId }) => resumed.push(producerId));
    await b1!.pauseProducer('mic');
    await until(() => paused.includes(micId), 10_000, 'producerPaused on node A');
    // The consumer on node A follows node A's pipe producer, paused through the pipe relay.
    const consumerPaused = async () =>
      (await a1!.request('getMediaStats', { roomId })).consumers.find((c) => c.producerId === micId)
        ?.producerPaused;
    const deadline = Date.now() + 10_000;
    while ((await consumerPaused()) !== true && Date.now() < deadline) await sleep(100);
    expect(await consumerPaused()).toBe(true);

    await b1!.resumeProducer('mic');
    await until(() => resumed.includes(micId), 10_000, 'producerResumed on node A');
    const deadline2 = Date.now() + 10_000;
    while ((await consumerPaused()) !== false && Date.now() < deadline2) await sleep(100);
    expect(await consumerPaused()).toBe(false);
    const since = Date.now();
    await until(
      () => (a1!.openStreams().find((s) => s.producerId === micId)?.lastPacketAt ?? 0) > since,
      10_000,
      'audio from B again',
    );
  }, 60_000);

  it('a producer closed on node A disappears on node B', async () => {
    const [a1] = onA;
    const camId = a1!.producers.get('camera')!.id;
    const closedAt = new Map<MiniMeetPeer, boolean>();
    for (const b of onB)
      b.on('producerClosed', ({ producerId }) => producerId === camId && closedAt.set(b, true));
    await a1!.closeProducer('camera');
    await until(() => onB.every((b) => closedAt.get(b)), 10_000, 'producerClosed on node B');
    await until(
      () => onB.every((b) => !b.openStreams().some((s) => s.producerId === camId)),
      10_000,
      'node B consumers of it gone',
    );
    for (const b of onB) {
      const stats = await b.request('getMediaStats', { roomId });
      expect(stats.consumers.map((c) => c.producerId)).not.toContain(camId);
    }
  }, 30_000);

  it('kill -9 of node B: A’s peers lose B’s streams within the TTL, A’s own streams never stop', async () => {
    const bProducers = onB.flatMap((b) => [...b.producers.values()].map((p) => p.id));
    const closed = new Set<string>();
    for (const a of onA) a.on('producerClosed', ({ producerId }) => closed.add(`${a.user.id}:${producerId}`));
    const allClosed = () => onA.every((a) => bProducers.every((id) => closed.has(`${a.user.id}:${id}`)));

    // Sample A's streams every second from before the kill until well after B is declared dead.
    const samples: number[][] = [];
    const sample = () => samples.push(remoteStreams(onA).map((r) => r.stream?.packets ?? 0));
    sample();
    await nodeB.kill();
    const killedAt = Date.now();
    let downAfter: number | undefined;
    while (Date.now() - killedAt < NODE_TTL_MS + 6000) {
      await sleep(1000);
      sample();
      if (downAfter === undefined && allClosed()) downAfter = Date.now() - killedAt;
      if (downAfter !== undefined && Date.now() - killedAt > downAfter + 2000) break;
    }
    expect(downAfter, `B's producers closed on A (${[...closed].join(' ')})`).toBeDefined();
    // Declared dead within the TTL after B's last heartbeat (+ a 1 s poll and the relay).
    expect(downAfter!).toBeLessThanOrEqual(NODE_TTL_MS + 2500);
    for (let i = 1; i < samples.length; i++) {
      samples[i]!.forEach((n, k) =>
        expect(n, `A-to-A stream ${k} rose in second ${i} after the kill`).toBeGreaterThan(
          samples[i - 1]![k]!,
        ),
      );
    }
    for (const a of onA) {
      for (const id of bProducers) expect(a.openStreams().some((s) => s.producerId === id)).toBe(false);
    }
  }, 60_000);

  it('node B restarts under the same id: its peers come back and the room is whole again', async () => {
    await nodeB.restart();
    // B's peers reconnect their sockets to the same address, rejoin and rebuild their media.
    const since = Date.now();
    await until(() => allReceiving(all(), since), 90_000, 'every peer to receive every remote stream again');
    const gains = await gainedOver(all(), 3000);
    for (const g of gains) {
      expect(g.gained, `${g.kind} ${g.producerId} at ${g.receiver.user.username}`).toBeGreaterThan(10);
    }
  }, 120_000);

  it('when node A’s last peer leaves, node B drops A’s streams and closes its pipes for the room', async () => {
    const aProducers = onA.flatMap((a) => [...a.producers.values()].map((p) => p.id));
    expect(aProducers.length).toBeGreaterThan(0);
    const closed = new Set<string>();
    for (const b of onB) b.on('producerClosed', ({ producerId }) => closed.add(`${b.user.id}:${producerId}`));
    for (const a of onA.splice(0)) await a.close();
    await until(
      () => onB.every((b) => aProducers.every((id) => closed.has(`${b.user.id}:${id}`))),
      10_000,
      'producerClosed for A’s producers on node B',
    );
    let hosts: Array<{ nodeId: string }> | undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const res = await http<AdminStatsSnapshot>(nodeB.url, 'GET', '/admin/stats', {
        token: admin.accessToken,
      });
      hosts = res.body.rooms?.find((r) => r.id === roomId)?.hosts;
      if (hosts?.length === 1) break;
      await sleep(250);
    }
    expect(hosts?.map((h) => h.nodeId)).toEqual([nodeB.id]);
    // B's own call goes on.
    const gains = await gainedOver(onB, 2000);
    for (const g of gains) expect(g.gained, `${g.kind} ${g.producerId}`).toBeGreaterThan(5);
  }, 60_000);
});
