import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';

/**
 * bcrypt cost: ~70–120 ms of CPU per hash here; slow enough against offline guessing, fast
 * enough to log in. The native binding hashes on libuv's thread pool: the pure-JS bcryptjs
 * we used first ran on the event loop, and a burst of logins stalled every socket (joins and
 * media signalling waited seconds behind them in the bench). Hashes are the same $2b$ format.
 */
const ROUNDS = 10;

/**
 * bcrypt reads only the first 72 bytes of its input; passwords may be 128 characters of
 * multi-byte text, so bcrypt gets a fixed-length SHA-256 digest of the password instead.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(prehash(password), ROUNDS);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(prehash(password), hash);
}

/** A valid hash of nothing anyone knows: compared against for unknown users so timing does not tell. */
const DUMMY_HASH = bcrypt.hashSync('minimeet-no-such-user', ROUNDS);

export async function burnPasswordCheck(password: string): Promise<void> {
  await bcrypt.compare(prehash(password), DUMMY_HASH);
}
