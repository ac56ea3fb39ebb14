import { Readable } from 'node:stream';

/** Bytes read from the start of an upload to decide its type. */
export const SNIFF_BYTES = 512;

/** Raster image types shown inline (with a thumbnail); everything else downloads. */
const RASTER_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export function isRasterImage(mimeType: string): boolean {
  return RASTER_IMAGES.has(mimeType);
}

const startsWith = (head: Buffer, bytes: number[] | string, at = 0): boolean => {
  const want = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  return head.length >= at + want.length && head.subarray(at, at + want.length).equals(want);
};

/**
 * The type of a file from its first bytes (magic numbers), never from its name or the client's
 * Content-Type. HTML, SVG and other markup are plain text here: served as text/plain downloads,
 * they never render in the app's origin.
 */
export function sniffType(head: Buffer): string {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return 'image/gif';
  if (startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8)) return 'image/webp';
  if (startsWith(head, '%PDF-')) return 'application/pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return 'application/zip';
  if (startsWith(head, 'OggS')) return 'audio/ogg';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (startsWith(head, 'ftyp', 4)) return startsWith(head, 'M4A', 8) ? 'audio/mp4' : 'video/mp4';
  if (startsWith(head, 'ID3') || (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0))
    return 'audio/mpeg';
  if (head.length > 0 && isText(head)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

/** UTF-8 without NULs or (beyond tab, newlines, form feed, escape) control characters. */
function isText(head: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, completeLength(head)));
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  return !/[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f]/.test(text);
}

/** The head without a multi-byte character the head's end cut in two (only that may be missing). */
function completeLength(head: Buffer): number {
  let start = head.length - 1;
  while (start > 0 && head.length - start < 4 && (head[start]! & 0xc0) === 0x80) start--;
  const lead = head[start] ?? 0;
  const needs = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return head.length - start < needs ? start : head.length;
}

/**
 * Reads the first `n` bytes of a stream (fewer if it ends first) and hands back a stream of all
 * of it (those bytes, then the rest), so the type can be decided before storing starts.
 */
export async function peekHead(source: Readable, n = SNIFF_BYTES): Promise<{ head: Buffer; body: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < n) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const start = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (start.length) yield start;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: start.subarray(0, n), body: Readable.from(all(), { objectMode: false }) };
}
