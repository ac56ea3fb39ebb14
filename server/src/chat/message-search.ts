import type { DataSource } from 'typeorm';

/** Most results one search returns (newest first). */
export const SEARCH_LIMIT = 50;
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 64;

/**
 * Words of a user's query: runs of letters and digits only. Everything else (quotes, *, -, +,
 * parentheses, NEAR, SQL) is a separator, so no query can reach FTS5 or MySQL boolean syntax.
 */
export function searchTerms(q: string): string[] {
  const words = q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const unique = [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH).toLowerCase()))];
  return unique.slice(0, MAX_TERMS);
}

/** Ids of messages in `roomIds` containing every term (as a word prefix), newest first. */
export async function searchMessageIds(
  db: DataSource,
  terms: string[],
  roomIds: number[],
): Promise<number[]> {
  if (!terms.length || !roomIds.length) return [];
  const placeholders = roomIds.map(() => '?').join(', ');
  let rows: { id: number | string }[];
  if (db.options.type === 'mysql') {
    // Boolean mode: every term required, prefix match.
    const against = terms.map((t) => `+${t}*`).join(' ');
    rows = await db.query(
      `SELECT id FROM messages WHERE MATCH(content) AGAINST (? IN BOOLEAN MODE) AND roomId IN (${placeholders}) ORDER BY id DESC LIMIT ${SEARCH_LIMIT}`,
      [against, ...roomIds],
    );
  } else {
    // FTS5: each term a quoted string with prefix star, implicitly ANDed.
    const match = terms.map((t) => `"${t}"*`).join(' ');
    rows = await db.query(
      `SELECT m.id AS id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
       WHERE messages_fts MATCH ? AND m.roomId IN (${placeholders}) ORDER BY m.id DESC LIMIT ${SEARCH_LIMIT}`,
      [match, ...roomIds],
    );
  }
  return rows.map((r) => Number(r.id));
}

const SNIPPET_CONTEXT = 60;

/** A plain-text excerpt around the first matching term (whole content when short). */
export function buildSnippet(content: string, terms: string[]): string {
  if (content.length <= SNIPPET_CONTEXT * 2 + 40) return content;
  const lower = content.toLowerCase();
  const hits = terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0);
  const at = hits.length ? Math.min(...hits) : 0;
  const start = Math.max(0, at - SNIPPET_CONTEXT);
  const end = Math.min(content.length, at + SNIPPET_CONTEXT * 2);
  return `${start > 0 ? '…' : ''}${content.slice(start, end)}${end < content.length ? '…' : ''}`;
}
