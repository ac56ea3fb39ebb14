import { spawn } from 'node:child_process';
import path from 'node:path';
import { SERVER_ROOT, type EnvOverrides } from './server-process.js';

/** The built `npm run admin` entry point. */
export const ADMIN_CLI = path.join(SERVER_ROOT, 'dist/cli/admin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run admin -- <args>` (the built CLI) against a database, as an operator would. */
export function runAdminCli(
  args: string[],
  opts: { databaseUrl: string; stdin?: string; env?: EnvOverrides },
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: opts.databaseUrl };
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
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

/** `npm run admin -- create <username>` with the password on stdin; throws with the CLI's output on failure. */
export async function createAdmin(databaseUrl: string, username: string, password: string): Promise<void> {
  const res = await runAdminCli(['create', username, '--password-stdin'], {
    databaseUrl,
    stdin: `${password}\n`,
  });
  if (res.code !== 0)
    throw new Error(`admin create ${username} failed (${res.code}): ${res.stderr}${res.stdout}`);
}
