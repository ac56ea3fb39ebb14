/**
 * Debian's coturn (/usr/bin/turnserver) inside a test host, with a generated config: TURN REST
 * API credentials (`use-auth-secret`), plain UDP/TCP on 3478, a small relay port range, and the
 * given peers allowed (coturn refuses relaying to private addresses such as the test network's
 * unless they are listed in allowed-peer-ip).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { which, type TestHost } from './test-hosts.js';

export const TURNSERVER_BIN = '/usr/bin/turnserver';

export interface Coturn {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export function coturnUnavailable(): string | undefined {
  return which('turnserver')
    ? undefined
    : 'coturn is not installed (Debian package coturn, /usr/bin/turnserver)';
}

export async function startCoturn(
  host: TestHost,
  opts: { secret: string; allowedPeers: string[] },
): Promise<Coturn> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'minimeet-coturn-'));
  const conf = [
    `listening-ip=${host.address}`,
    `relay-ip=${host.address}`,
    'listening-port=3478',
    'min-port=49160',
    'max-port=49200',
    'use-auth-secret',
    `static-auth-secret=${opts.secret}`,
    'realm=minimeet.test',
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    ...opts.allowedPeers.map((p) => `allowed-peer-ip=${p}`),
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
  ].join('\n');
  writeFileSync(path.join(dir, 'turnserver.conf'), conf + '\n');
  const child = host.spawn(TURNSERVER_BIN, ['-c', path.join(dir, 'turnserver.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await closed;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!/UDP listener opened on\s*:?\s*\S*3478|listener opened on.*3478/i.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`coturn did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `turn:${host.address}:3478?transport=udp`, output: () => out, stop };
}
