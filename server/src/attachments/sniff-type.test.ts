import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isRasterImage, peekHead, sniffType } from './sniff-type.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffType', () => {
  it('names each supported type from its magic number, whatever follows', () => {
    const cases: Array<[Buffer, string]> = [
      [bytes([0x89], 'PNG\r\n\x1a\n', 'rest'), 'image/png'],
      [bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
      [bytes('GIF89a', [1, 0]), 'image/gif'],
      [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
      [bytes('%PDF-1.7'), 'application/pdf'],
      [bytes('PK', [3, 4, 20, 0]), 'application/zip'],
      [bytes('OggS', [0, 2]), 'audio/ogg'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm'],
      [bytes([0, 0, 0, 0x20], 'ftypisom'), 'video/mp4'],
      [bytes([0, 0, 0, 0x20], 'ftypM4A '), 'audio/mp4'],
      [bytes('ID3', [4, 0]), 'audio/mpeg'],
      [bytes([0xff, 0xfb, 0x90]), 'audio/mpeg'],
      [Buffer.from('plain words, ünïcödé and\ttabs\n'), 'text/plain; charset=utf-8'],
      [Buffer.from('<html><script>alert(1)</script>'), 'text/plain; charset=utf-8'],
      [bytes('MZ', [0x90, 0, 3, 0]), 'application/octet-stream'],
      [Buffer.alloc(0), 'application/octet-stream'],
    ];
    for (const [head, type] of cases) expect(sniffType(head), head.toString('hex').slice(0, 24)).toBe(type);
  });

  it('text cut inside a multi-byte character is still text; invalid UTF-8 is not', () => {
    const euro = Buffer.from('€€€');
    expect(sniffType(euro.subarray(0, euro.length - 1))).toBe('text/plain; charset=utf-8');
    expect(sniffType(Buffer.from([0x61, 0xc3, 0x28, 0x61]))).toBe('application/octet-stream');
  });

  it('only raster images show inline', () => {
    expect(['image/png', 'image/jpeg', 'image/gif', 'image/webp'].every(isRasterImage)).toBe(true);
    expect(isRasterImage('image/svg+xml')).toBe(false);
    expect(isRasterImage('text/plain; charset=utf-8')).toBe(false);
  });
});

describe('peekHead', () => {
  it('reads the first bytes across chunks and hands back the whole stream', async () => {
    const chunks = [Buffer.from('ab'), Buffer.from('cdef'), Buffer.from('gh')];
    const { head, body } = await peekHead(Readable.from(chunks), 5);
    expect(head.toString()).toBe('abcde');
    const all: Buffer[] = [];
    for await (const c of body as AsyncIterable<Buffer>) all.push(c);
    expect(Buffer.concat(all).toString()).toBe('abcdefgh');
  });

  it('a stream shorter than the head ends after it; an empty one is empty', async () => {
    const short = await peekHead(Readable.from([Buffer.from('xy')]), 10);
    expect(short.head.toString()).toBe('xy');
    const rest: Buffer[] = [];
    for await (const c of short.body as AsyncIterable<Buffer>) rest.push(c);
    expect(Buffer.concat(rest).toString()).toBe('xy');
    const empty = await peekHead(Readable.from([]), 10);
    expect(empty.head.length).toBe(0);
  });
});
