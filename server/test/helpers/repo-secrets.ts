import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@minimeet/test-harness';

/** Names that say "this value is a secret". */
const SECRET_NAME = /secret|passw|pwd|token|api[_-]?key|private[_-]?key|credential/i;
/** Lock files are integrity hashes of packages, not secrets anyone could sign with. */
const SKIPPED_FILES = /(^|\/)package-lock\.json$|\.(png|jpe?g|gif|ico|webp|woff2?|ttf|sqlite|gz|zip|pdf)$/i;

/**
 * Every string in the repository's tracked text files that someone could try as a signing
 * secret: quoted literals on lines that mention a secret-ish name or that look like one
 * themselves, `NAME=value` / `NAME: value` settings with a secret-ish NAME, and every value in
 * .env.example. Over-collecting is fine: each one must fail.
 */
export function secretCandidatesInRepo(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !SKIPPED_FILES.test(f));
  const found = new Set<string>();
  const add = (raw: string | undefined) => {
    const value = raw?.trim();
    // Interpolations (${X}, ${X:?…}) are not values; very short strings cannot be HMAC secrets worth testing twice.
    if (!value || value.length < 4 || value.length > 256 || value.includes('${')) return;
    found.add(value);
  };
  for (const file of files) {
    const full = path.join(REPO_ROOT, file);
    let text: string;
    try {
      if (statSync(full).size > 1_000_000) continue;
      text = readFileSync(full, 'utf8');
    } catch {
      continue; // deleted in the work tree, or not a file
    }
    if (text.includes('\u0000')) continue; // binary
    const isEnvExample = path.basename(file) === '.env.example';
    for (const line of text.split('\n')) {
      const setting =
        /^\s*(?:export\s+)?-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*["']?([^"'#\s]+)["']?\s*(?:#.*)?$/.exec(
          line,
        );
      if (setting && (isEnvExample || SECRET_NAME.test(setting[1]!))) add(setting[2]);
      const mentionsSecret = SECRET_NAME.test(line);
      for (const m of line.matchAll(/'([^'\n]{4,256})'|"([^"\n]{4,256})"|`([^`\n]{4,256})`/g)) {
        const literal = m[1] ?? m[2] ?? m[3];
        if (mentionsSecret || (literal && SECRET_NAME.test(literal))) add(literal);
      }
    }
  }
  return [...found];
}
