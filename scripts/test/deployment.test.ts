// Deployment files: there is no Docker engine here, so the compose file is checked
// with docker-compose's own parser, and README's quick start is kept to two lines.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function composeConfig(env: NodeJS.ProcessEnv, flags: string[] = []): { ok: boolean; out: string } {
  try {
    const out = execFileSync(
      'docker-compose',
      ['-f', path.join(REPO, 'docker-compose.yml'), ...flags, 'config'],
      {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return { ok: true, out };
  } catch (err) {
    const e = err as { stderr?: string };
    return { ok: false, out: String(e.stderr ?? err) };
  }
}

describe('deployment files', () => {
  it('docker-compose.yml is accepted by docker-compose and wires app, mysql and redis', () => {
    const { ok, out } = composeConfig({ JWT_SECRET: 'a'.repeat(32), MYSQL_PASSWORD: 'db-pass-from-env' });
    expect(ok, out).toBe(true);
    expect(out).toMatch(/mysql:\/\/minimeet:db-pass-from-env@mysql:3306\/minimeet/);
    expect(out).toMatch(/MARIADB_PASSWORD: db-pass-from-env/);
    expect(out).toMatch(/redis:\/\/redis:6379/);
    // docker-compose expands the RTC port range into one entry per port.
    expect(out).toMatch(/published: 40000\n/);
    expect(out).toMatch(/published: 40099\n/);
    expect(out).toMatch(/protocol: udp/);
  });

  it('docker-compose refuses to start without a JWT secret or a database password (none is shipped)', () => {
    const noSecret = composeConfig({ MYSQL_PASSWORD: 'db-pass-from-env' });
    expect(noSecret.ok).toBe(false);
    expect(noSecret.out).toMatch(/JWT_SECRET/);
    const noDbPassword = composeConfig({ JWT_SECRET: 'a'.repeat(32) });
    expect(noDbPassword.ok).toBe(false);
    expect(noDbPassword.out).toMatch(/MYSQL_PASSWORD/);
  });

  it('the monitoring profile runs Prometheus (METRICS_TOKEN as bearer) and Grafana with the dashboard', () => {
    const secrets = { JWT_SECRET: 'a'.repeat(32), MYSQL_PASSWORD: 'db-pass-from-env' };
    const token = 'scrape-token-0123456789abcdef';
    const { ok, out } = composeConfig({ ...secrets, METRICS_TOKEN: token }, ['--profile', 'monitoring']);
    expect(ok, out).toBe(true);
    const services = execFileSync(
      'docker-compose',
      ['-f', path.join(REPO, 'docker-compose.yml'), '--profile', 'monitoring', 'config', '--services'],
      { env: { PATH: process.env.PATH, ...secrets }, encoding: 'utf8' },
    );
    expect(services.split('\n')).toEqual(expect.arrayContaining(['app-a', 'app-b', 'prometheus', 'grafana']));
    // The nodes and Prometheus get the same token; Prometheus writes it where its scrape config reads it.
    expect(out.match(new RegExp(`METRICS_TOKEN: ${token}`, 'g'))).toHaveLength(3);
    const prometheus = readFileSync(path.join(REPO, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8');
    const tokenFile = /credentials_file: (\S+)/.exec(prometheus)?.[1];
    expect(tokenFile).toBeDefined();
    expect(out).toContain(`> ${tokenFile}`);
    expect(prometheus).toMatch(/targets: \[['"]app-a:3000['"], ['"]app-b:3000['"]\]/);
    // Every file the profile mounts is in the repository, and the UIs listen on localhost only.
    const mounted = [...out.matchAll(/^\s+- (\/\S+):\/\S+:ro$/gm)].map((m) => m[1]!);
    expect(mounted.map((m) => path.relative(REPO, m)).sort()).toEqual([
      'deploy/grafana/dashboards',
      'deploy/grafana/provisioning',
      'deploy/prometheus/prometheus.yml',
    ]);
    for (const source of mounted) expect(existsSync(source), source).toBe(true);
    expect(out).toContain('127.0.0.1:3300:3000');
    expect(out).toContain('127.0.0.1:9090:9090');
    // Without the token set, compose still validates (the nodes' /metrics is then open).
    expect(composeConfig(secrets, ['--profile', 'monitoring']).ok).toBe(true);
  });

  it('Dockerfile builds the worker with the project postinstall and ships its runtime libraries', () => {
    const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/libsrtp2-1/);
    expect(dockerfile).toMatch(/bookworm-backports meson/);
  });

  it("README's quick start is two lines: run the app, run the tests", () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const section = /## Quick start\n[\s\S]*?```(?:sh|bash)?\n([\s\S]*?)```/.exec(readme);
    expect(section).not.toBeNull();
    const lines = section![1]!.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/npm start/);
    expect(lines[1]).toMatch(/^npm test/);
  });
});
