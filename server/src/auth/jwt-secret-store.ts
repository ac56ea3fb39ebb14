import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger.js';

/** File name of the generated secret inside DATA_DIR. */
export const JWT_SECRET_FILE = 'jwt-secret';
const MIN_SECRET_LENGTH = 32;

/**
 * Without JWT_SECRET the server signs with a random secret of its own, generated once and kept
 * in `dataDir` (mode 0600) so tokens survive restarts. Nothing in the repository can ever sign
 * a token this server accepts. Several processes on one data dir end up with the same secret:
 * the file is created exclusively and the losers read the winner's.
 */
export function loadOrCreateJwtSecret(dataDir: string, log: Logger): string {
  const file = path.join(dataDir, JWT_SECRET_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let created = false;
  try {
    writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file}: JWT secret file holds fewer than ${MIN_SECRET_LENGTH} characters; delete it to regenerate`,
    );
  }
  // A copy or restore may have widened it; the secret is as good as a password to every account.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  log.info(
    { jwtSecretFile: file },
    created
      ? 'JWT_SECRET not set: generated a random token signing secret and stored it in this file'
      : 'JWT_SECRET not set: signing tokens with the secret stored in this file',
  );
  return secret;
}
