import { spawn } from 'node:child_process';
import path from 'node:path';
import { withEnv, type EnvOverrides } from './env.js';
import { SERVER_ROOT } from './minimeet-server.js';

/** The built `npm run admin` entry point. */
export const ADMIN_CLI = path.join(SERVER_ROOT, 'dist/cli/admin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run admin -- <args>` (the built CLI) against a database, as an operator would.
 * Asynchronously: a synchronous run would block this process's event loop for seconds.
 */
export function runAdminCli(
  args: string[],
  opts: { databaseUrl: string; stdin?: string; env?: EnvOverrides },
): Promise<CliResult> {
  const env = withEnv(process.env, { DATABASE_URL: opts.databaseUrl }, opts.env ?? {});
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ADMIN_CLI, ...args], { cwd: SERVER_ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/**
 * `npm run admin -- create <username>` with the password on stdin (admins cannot register);
 * throws with the CLI's output on failure. `existingIsFine`: an admin of that name already
 * made (by another node on the same database) is not a failure.
 */
export async function createAdmin(
  databaseUrl: string,
  username: string,
  password: string,
  opts: { env?: EnvOverrides; existingIsFine?: boolean } = {},
): Promise<void> {
  const res = await runAdminCli(['create', username, '--password-stdin'], {
    databaseUrl,
    stdin: `${password}\n`,
    ...(opts.env ? { env: opts.env } : {}),
  });
  if (res.code === 0 || (opts.existingIsFine && /already exists/.test(res.stderr))) return;
  throw new Error(`admin create ${username} failed (${res.code}): ${res.stderr}${res.stdout}`);
}
