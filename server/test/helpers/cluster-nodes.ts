/**
 * Several MiniMeet server nodes forming one cluster, for the cross-node tests (issue 12): one
 * built server process per node, all on one MariaDB database and one Redis, each with its own
 * CLUSTER_NODE_ID, media and pipe addresses.
 *
 * Preferred: each node on its own test host (network namespace, packages/test-hosts), so nodes
 * reach each other only over real links at their own addresses; MariaDB is reached through its
 * unix socket (visible in every namespace) and a Redis the harness starts on the bridge address.
 * Where namespaces cannot be made the harness SAYS SO on stderr and runs the nodes on loopback
 * ports instead (`mode: 'loopback'`), with the machine's Redis under a fresh key prefix.
 */
import { deleteRedisKeys } from './redis-keys.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TestNetwork, testHostsUnavailable } from '@minimeet/test-hosts';
import { afterAll, beforeAll } from 'vitest';
import { closeAllSockets } from './chat-client.js';
import { chatEnv } from './chat-server.js';
import {
  createTestDatabase,
  freePort,
  startServer,
  type EnvOverrides,
  type ExitResult,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';

const MYSQL_SOCKET = process.env.TEST_MYSQL_SOCKET ?? '/run/mysqld/mysqld.sock';
const LOOPBACK_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ClusterNode {
  /** CLUSTER_NODE_ID */
  id: string;
  /** Address the node's HTTP, media and pipes listen on. */
  address: string;
  url: string;
  server: ServerProcess;
  /** kill -9 of the node process (its mediasoup workers follow). */
  kill(): Promise<void>;
  /**
   * SIGTERM (the node drains: see SHUTDOWN_GRACE_MS) and waits for the process to exit; SIGKILL
   * and a rejection when it is still running after `timeoutMs`. Resolves with how it exited and
   * how long it took.
   */
  terminate(timeoutMs: number): Promise<ExitResult & { ms: number }>;
  /** Starts the node again with the same id, address and ports. */
  restart(): Promise<void>;
}

export interface Cluster {
  mode: 'namespaces' | 'loopback';
  /** Why namespaces were not used (loopback mode). */
  fallbackReason?: string;
  nodes: ClusterNode[];
  redisUrl: string;
  keyPrefix: string;
  /** The shared database as the test runner reaches it (e.g. for the admin CLI). */
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Node ids (also test-host names: 1-8 of [a-z0-9]). */
  ids: string[];
  /** Extra env for every node. */
  env?: EnvOverrides;
  /** First of the ports the nodes use; each node takes a block of `portsPerNode`. */
  basePort: number;
  rtcBase: number;
  pipeBase: number;
  portsPerNode?: number;
  /** Test-host subnets 10.77.N.0/24 this run may use (helpers side by side take disjoint ranges). */
  subnets?: { min: number; max: number };
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  // TEST_CLUSTER_LOOPBACK=1 runs the fallback on purpose (to check it where namespaces work).
  const unavailable =
    process.env.TEST_CLUSTER_LOOPBACK === '1' ? 'TEST_CLUSTER_LOOPBACK=1 is set' : testHostsUnavailable();
  if (unavailable) {
    console.warn(
      `\n*** FALLBACK: cluster nodes run on loopback ports, not on separate test hosts: ${unavailable} ***\n`,
    );
  }
  const keyPrefix = `mmcm-${randomBytes(4).toString('hex')}`;
  const closers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const db = await createTestDatabase('mariadb');
    closers.push(() => db.drop());
    let net: TestNetwork | undefined;
    let redisUrl = LOOPBACK_REDIS_URL;
    if (!unavailable) {
      net = await TestNetwork.create(opts.ids, opts.subnets ? { subnets: opts.subnets } : {});
      const n = net;
      closers.push(() => n.destroy());
      const redis = await startRedis(net.gateway);
      closers.push(() => redis.stop());
      redisUrl = redis.url;
    }
    closers.push(() => deleteRedisKeys(keyPrefix, redisUrl));
    const span = opts.portsPerNode ?? 40;
    const nodes: ClusterNode[] = [];
    for (const [i, id] of opts.ids.entries()) {
      const host = net?.host(id);
      const address = host?.address ?? '127.0.0.1';
      const port = opts.basePort + i;
      const env: EnvOverrides = {
        ...chatEnv(),
        DATABASE_URL: databaseUrl(db, !!net),
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: keyPrefix,
        HOST: address,
        MEDIASOUP_LISTEN_IP: address,
        MEDIASOUP_ANNOUNCED_ADDRESS: address,
        RTC_MIN_PORT: String(opts.rtcBase + i * span),
        RTC_MAX_PORT: String(opts.rtcBase + i * span + span - 1),
        CLUSTER_NODE_ID: id,
        CLUSTER_PUBLIC_URL: `http://${address}:${port}`,
        CLUSTER_PIPE_LISTEN_IP: address,
        CLUSTER_PIPE_ANNOUNCED_ADDRESS: address,
        CLUSTER_PIPE_MIN_PORT: String(opts.pipeBase + i * span),
        CLUSTER_PIPE_MAX_PORT: String(opts.pipeBase + i * span + span - 1),
        LOG_LEVEL: 'info',
        ...opts.env,
      };
      const launch = () =>
        startServer({
          env,
          port,
          host: address,
          ...(host ? { launcher: host.launcher() } : {}),
          timeoutMs: 60_000,
        });
      const node: ClusterNode = {
        id,
        address,
        url: `http://${address}:${port}`,
        server: await launch(),
        async kill() {
          process.kill(node.server.pid, 'SIGKILL');
          await node.server.exited;
        },
        async terminate(timeoutMs) {
          const started = Date.now();
          const { server } = node;
          process.kill(server.pid, 'SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
          const result = await Promise.race([server.exited, late]);
          clearTimeout(timer);
          if (result === 'late') {
            process.kill(server.pid, 'SIGKILL');
            await server.exited;
            throw new Error(`node ${id} still ran ${timeoutMs} ms after SIGTERM:\n${server.output().slice(-4000)}`);
          }
          return { ...result, ms: Date.now() - started };
        },
        async restart() {
          node.server = await launch();
        },
      };
      closers.push(async () => {
        await node.server.stop();
      });
      nodes.push(node);
    }
    return {
      mode: net ? 'namespaces' : 'loopback',
      ...(unavailable ? { fallbackReason: unavailable } : {}),
      nodes,
      redisUrl,
      keyPrefix,
      databaseUrl: db.url,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** MariaDB through its unix socket inside namespaces (127.0.0.1 there is the namespace's own). */
function databaseUrl(db: TestDatabase, viaSocket: boolean): string {
  if (!viaSocket) return db.url;
  const name = new URL(db.url).pathname.slice(1);
  return `mysql://root@localhost/${name}?socketPath=${encodeURIComponent(MYSQL_SOCKET)}`;
}

/** A throw-away Redis on the bridge address, so every test host reaches it. */
async function startRedis(bindAddress: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      bindAddress,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `redis://${bindAddress}:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until it listens: connect() rejects with it
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on ${url}:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/**
 * A two-node cluster for a test file: started before its tests (its nodes handed to `started`),
 * stopped after them; `beforeStop` runs first (e.g. close Node peers), then the test clients'
 * sockets are closed.
 */
export function useTwoNodeCluster(
  opts: ClusterOptions,
  started: (nodes: [ClusterNode, ClusterNode], cluster: Cluster) => void,
  beforeStop?: () => Promise<void>,
): void {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster(opts);
    started(cluster.nodes as [ClusterNode, ClusterNode], cluster);
  }, 180_000);
  afterAll(async () => {
    await beforeStop?.();
    closeAllSockets();
    await cluster?.stop();
  }, 60_000);
}
