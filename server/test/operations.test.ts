/**
 * Issue 18 (operators): the Grafana dashboard in deploy/ queries only metrics a running server
 * exports (so it cannot drift from /metrics), and the server's log format: JSON lines when stdout
 * is not a terminal (the default, LOG_FORMAT=auto), lines for people with LOG_FORMAT=pretty.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, waitFor, type ServerProcess } from '@minimeet/test-harness';
import { closeAllSockets, connect, createRoom, registerUser, request } from './helpers/chat-client.js';
import { parseScrape } from './helpers/prometheus.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DASHBOARD = path.join(REPO, 'deploy', 'grafana', 'dashboards', 'minimeet.json');
const DATASOURCES = path.join(REPO, 'deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yml');

interface Target {
  expr?: unknown;
  datasource?: { uid?: unknown };
}
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: unknown;
  targets?: Target[];
}
interface Dashboard {
  uid?: unknown;
  title?: unknown;
  panels?: Panel[];
  templating?: { list?: Array<{ name?: unknown; query?: { query?: unknown } }> };
}

function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every PromQL expression of the dashboard: panel targets and the node variable's query. */
function expressions(d: Dashboard): string[] {
  const fromPanels = (d.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => String(t.expr)));
  const fromVariables = (d.templating?.list ?? []).map((v) => String(v.query?.query ?? ''));
  return [...fromPanels, ...fromVariables].filter((e) => e !== '');
}

/** Metric names in an expression: this app's and the Node.js process metrics prom-client adds. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:minimeet|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!);
}

describe('Grafana dashboard (deploy/grafana)', () => {
  it('is valid dashboard JSON: unique panel ids, a grid position, queries on the provisioned datasource, a node variable', () => {
    const d = readDashboard();
    expect(d.uid).toBe('minimeet-overview');
    expect(typeof d.title).toBe('string');
    const panels = d.panels ?? [];
    expect(panels.length).toBeGreaterThan(10);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const datasourceUid = /uid:\s*(\S+)/.exec(readFileSync(DATASOURCES, 'utf8'))?.[1];
    expect(datasourceUid).toBe('minimeet-prometheus');
    for (const p of panels) {
      expect(p.gridPos, String(p.title)).toMatchObject({ h: expect.any(Number), w: expect.any(Number) });
      if (p.type === 'row') continue;
      expect(p.targets?.length, String(p.title)).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource?.uid, String(p.title)).toBe(datasourceUid);
        // Every panel is per node: it filters on the dashboard's instance variable.
        expect(String(t.expr), String(p.title)).toContain('instance=~"$instance"');
      }
    }
    expect(d.templating?.list?.map((v) => v.name)).toEqual(['instance']);
  });

  describe('against a running server', () => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await startServer({
        env: {
          METRICS_TOKEN: undefined,
          LOG_FORMAT: undefined,
          MEDIASOUP_WORKERS: '1',
          ADMIN_STATS_INTERVAL_MS: '500',
        },
      });
    });

    afterAll(async () => {
      closeAllSockets();
      await server?.stop();
    });

    it('counts refused socket requests by event and error code, and reports no loss without consumers', async () => {
      const user = await registerUser(server.url, 'ops');
      const room = await createRoom(server.url, user.accessToken, 'ops room');
      const socket = await connect(server.url, user.accessToken);
      const refusals = { event: 'sendMessage', code: ErrorCode.NOT_IN_ROOM };
      const before = parseScrape(await (await server.request('/metrics')).text());
      for (let i = 0; i < 2; i++) {
        const ack = await request(socket, 'sendMessage', {
          roomId: room.id,
          content: 'not joined',
          clientMessageId: randomUUID(),
        });
        expect(ack.ok).toBe(false);
      }
      const after = parseScrape(await (await server.request('/metrics')).text());
      const count = (s: typeof after) => s.sample('minimeet_socket_errors_total', refusals) ?? 0;
      expect(count(after) - count(before)).toBe(2);
      for (const kind of ['audio', 'video'])
        for (const aggregate of ['max', 'mean'])
          expect(after.sample('minimeet_consumer_packet_loss_percent', { kind, aggregate })).toBe(0);
      socket.close();
    });

    it('queries only metrics the server exports, by their exported names', async () => {
      const scrape = parseScrape(await (await server.request('/metrics')).text());
      const exported = new Set<string>();
      for (const f of scrape.families.values()) {
        exported.add(f.name);
        // Histograms are queried through their series.
        if (f.type === 'HISTOGRAM') for (const s of ['_bucket', '_sum', '_count']) exported.add(f.name + s);
      }
      const queried = new Set(expressions(readDashboard()).flatMap(metricNames));
      // The dashboard covers rooms, peers, bitrate, worker CPU, loss, ack latency and errors by code.
      for (const name of [
        'minimeet_rooms',
        'minimeet_peers',
        'minimeet_media_bitrate_bits_per_second',
        'minimeet_worker_cpu_percent',
        'minimeet_consumer_packet_loss_percent',
        'minimeet_socket_ack_duration_seconds_bucket',
        'minimeet_socket_errors_total',
      ]) {
        expect(queried, name).toContain(name);
      }
      expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    });

    it('writes JSON lines when stdout is not a terminal (LOG_FORMAT unset)', async () => {
      await server.request('/api/health');
      const lines = await waitFor(() => {
        const all = server
          .stdout()
          .split('\n')
          .filter((l) => l.trim() !== '');
        return all.length > 0 ? all : undefined;
      }, 5000);
      for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
      expect(server.logLines().some((l) => l.msg === 'minimeet listening')).toBe(true);
    });
  });
});

describe('LOG_FORMAT=pretty', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({ env: { LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug', MEDIASOUP_WORKERS: '1' } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('writes one line for people per entry: time, level, context, message, fields; no JSON', async () => {
    await server.request('/api/rooms', { headers: { 'x-request-id': 'pretty-trace-1' } });
    const line = await waitFor(
      () =>
        server
          .stdout()
          .split('\n')
          .find((l) => l.includes('requestId=pretty-trace-1')),
      5000,
    );
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[http\] http request /);
    expect(line).toContain('route=/api/rooms');
    expect(line).toContain('status=401');
    const lines = server
      .stdout()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(server.logLines()).toEqual([]);
  });
});
