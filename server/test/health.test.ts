/**
 * GET /api/health on the real server, on SQLite and on MariaDB: database reachability,
 * live mediasoup workers, and recovery when a worker is killed.
 */
import net from 'node:net';
import type { HealthResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DB_KINDS,
  startServer,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';

/** Health details (db, workers) are only shown to an admin or the metrics token. */
const METRICS_TOKEN = 'health-test-metrics-token-0123';

async function getHealth(server: ServerProcess): Promise<{ status: number; body: Required<HealthResponse> }> {
  const res = await server.request('/api/health', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as Required<HealthResponse> };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each(DB_KINDS)('GET /api/health (%s)', (kind) => {
  let db: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startServer({ env: { DATABASE_URL: db.url, MEDIASOUP_WORKERS: '2', METRICS_TOKEN } });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('is 200 ok with the database up and every worker alive', async () => {
    const { status, body } = await getHealth(server!);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.db).toBe('ok');
    expect(body.workers).toHaveLength(2);
    expect(new Set(body.workers.map((w) => w.pid)).size).toBe(2);
    for (const w of body.workers) {
      expect(w).toEqual({ pid: expect.any(Number), alive: true, cpuMs: expect.any(Number) });
      expect(w.cpuMs).toBeGreaterThanOrEqual(0);
      expect(processExists(w.pid)).toBe(true);
    }
  });

  it('lists a new live worker within 2 s after kill -9 of one, and keeps serving', async () => {
    const before = (await getHealth(server!)).body.workers;
    const victim = before[0]!.pid;
    const survivor = before[1]!.pid;
    const t0 = Date.now();
    process.kill(victim, 'SIGKILL');

    const answers: Array<number | string> = [];
    const after = await waitFor(async () => {
      const { status, body } = await getHealth(server!).catch((err: unknown) => {
        answers.push(String(err));
        throw err;
      });
      answers.push(status);
      const pids = body.workers.map((w) => w.pid);
      return body.workers.length === 2 && body.workers.every((w) => w.alive) && !pids.includes(victim)
        ? body
        : undefined;
    }, 2000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(answers.every((a) => a === 200 || a === 503)).toBe(true); // answered all along

    expect(after.status).toBe('ok');
    const newPid = after.workers.map((w) => w.pid).find((pid) => pid !== survivor)!;
    expect(newPid).not.toBe(victim);
    expect(processExists(newPid)).toBe(true);
    expect(processExists(victim)).toBe(false);

    // Still the same server process, still answering requests.
    expect(processExists(server!.pid)).toBe(true);
    expect((await getHealth(server!)).status).toBe(200);
    expect((await server!.request('/api/no-such-route')).status).toBe(404);
    const replaced = server!.logLines().find((l) => l.msg === 'mediasoup worker replaced');
    expect(replaced).toMatchObject({ oldPid: victim, pid: newPid });
  });
});

/** A TCP relay to MariaDB that the test can cut and restore, standing in for a database outage. */
class CuttableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

describe('GET /api/health while MariaDB is unreachable', () => {
  let db: TestDatabase | undefined;
  let proxy: CuttableProxy | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('mariadb');
    const target = new URL(db.url);
    proxy = new CuttableProxy(target.hostname, Number(target.port || 3306));
    await proxy.listen();
    target.host = `127.0.0.1:${proxy.port}`;
    server = await startServer({
      env: { DATABASE_URL: target.toString(), MEDIASOUP_WORKERS: '1', METRICS_TOKEN },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await proxy?.cut();
    await db?.drop();
  });

  it('is 503 degraded with db "down", and 200 ok again once the database is back', async () => {
    expect((await getHealth(server!)).body.db).toBe('ok');

    await proxy!.cut();
    const down = await waitFor(async () => {
      const h = await getHealth(server!);
      return h.body.db === 'down' ? h : undefined;
    }, 10_000);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('degraded');
    expect(down.body.workers.every((w) => w.alive)).toBe(true);

    await proxy!.listen(); // same port
    const up = await waitFor(async () => {
      const h = await getHealth(server!);
      return h.body.db === 'ok' ? h : undefined;
    }, 10_000);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('ok');
  });
});
