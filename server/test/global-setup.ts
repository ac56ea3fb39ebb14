/**
 * Integration tests run server/dist/main.js, so compile first: `tsc -b` is incremental and
 * only rebuilds what changed (shared/ included through the project reference).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup() {
  const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b'], { cwd: serverRoot, stdio: 'pipe' });
  } catch (err) {
    const out = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tsc -b failed in server/:\n${String(out.stdout ?? '')}${String(out.stderr ?? '')}`, {
      cause: err,
    });
  }
}
