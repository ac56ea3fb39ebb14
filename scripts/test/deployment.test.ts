// Deployment files: there is no Docker engine here, so the compose file is checked
// with docker-compose's own parser, and README's quick start is kept to two lines.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function composeConfig(env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  try {
    const out = execFileSync('docker-compose', ['-f', path.join(REPO, 'docker-compose.yml'), 'config'], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
