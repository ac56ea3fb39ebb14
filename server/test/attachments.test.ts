/**
 * Issue 21 item 3, files in chat, through a real built server, real Socket.IO clients and real
 * ffmpeg: upload, send with a message, download by members only (a stranger and a removed member
 * get the answer a missing file gets), served so that uploaded HTML or SVG never renders in the
 * app's origin, types decided from the bytes, size limit, quota, rate limit, deletion with the
 * room. SQLite with storage on disk, MariaDB with storage on a local S3 server (s3rver).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ErrorCode, type AttachmentDto, type MessagePage, type SearchResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbKind } from '@minimeet/test-harness';
import { FileStorage } from '../src/storage/file-storage.js';
import type { ObjectStorage } from '../src/storage/object-storage.js';
import { S3Storage } from '../src/storage/s3-storage.js';
import { download, PNG_BYTES, uploadFile } from './helpers/attachments-client.js';
import {
  closeAllSockets,
  connect,
  createRoom,
  followRoom,
  http,
  okData,
  record,
  refusedWith,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from './helpers/s3-server.js';

const MAX_BYTES = 100_000;
const QUOTA_BYTES = 300_000;
const UPLOADS_PER_MINUTE = 12;
const SANDBOX = "sandbox; default-src 'none'";

const SETUPS: Array<{ kind: DbKind; storage: 'disk' | 's3' }> = [
  { kind: 'sqlite', storage: 'disk' },
  { kind: 'mariadb', storage: 's3' },
];

describe.each(SETUPS)('attachments ($kind, storage on $storage)', ({ kind, storage: where }) => {
  let target: ChatTarget;
  let url: string;
  let s3: LocalS3 | undefined;
  /** The server's storage, read directly to see that bytes come and go. */
  let storage: ObjectStorage;

  beforeAll(async () => {
    const env: Record<string, string> = {
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      ATTACHMENT_QUOTA_BYTES: String(QUOTA_BYTES),
      ATTACHMENT_UPLOADS_PER_MINUTE: String(UPLOADS_PER_MINUTE),
    };
    if (where === 's3') {
      s3 = await startLocalS3();
      Object.assign(env, S3RVER_CREDENTIALS, { STORAGE_URL: s3.storageUrl });
      Object.assign(process.env, S3RVER_CREDENTIALS);
      storage = new S3Storage({
        bucket: s3.bucket,
        prefix: '',
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
      });
    }
    target = await startChatTarget(kind, env);
    url = target.url;
    if (where === 'disk') {
      // The default: `storage` next to the SQLite file (the data directory).
      storage = new FileStorage(path.join(path.dirname(target.db.url.slice('sqlite:'.length)), 'storage'));
    }
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
    if (storage instanceof S3Storage) storage.close();
    await s3?.stop();
  });

  /** Owner and a member, both in a new room with sockets following it. */
  async function roomWithMember() {
    const owner = await registerUser(url, 'owner');
    const member = await registerUser(url, 'member');
    const room = await createRoom(url, owner.accessToken, 'files');
    const ownerSocket = await connect(url, owner.accessToken);
    const memberSocket = await connect(url, member.accessToken);
    await followRoom(ownerSocket, { roomId: room.id });
    await followRoom(memberSocket, { roomId: room.id });
    return { owner, member, room, ownerSocket, memberSocket };
  }

  it('an image is uploaded, sent and seen by the other member with its thumbnail; history and search carry it', async () => {
    const { owner, member, room, ownerSocket, memberSocket } = await roomWithMember();
    const received = record(memberSocket, 'newMessage');
    const up = await uploadFile(url, owner.accessToken, room.id, {
      name: 'photo.png',
      bytes: PNG_BYTES,
      type: 'image/png',
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      name: 'photo.png',
      size: PNG_BYTES.length,
      mimeType: 'image/png',
      kind: 'image',
      hasThumbnail: true,
    });

    // Before it is sent, only its uploader may read it.
    expect((await download(url, member.accessToken, up.body.id)).status).toBe(404);
    expect((await download(url, owner.accessToken, up.body.id)).status).toBe(200);

    const sent = okData(
      await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: 'holiday quokkas',
        clientMessageId: randomUUID(),
        attachmentIds: [up.body.id],
      }),
    ).message;
    expect(sent.attachments).toEqual([up.body]);
    await waitFor(() => received.length === 1, 3000, 'newMessage to the member');
    expect(received[0]!.message.attachments).toEqual([up.body]);

    const file = await download(url, member.accessToken, up.body.id);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(PNG_BYTES)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toBe(
      `inline; filename="photo.png"; filename*=UTF-8''photo.png`,
    );
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toBe(SANDBOX);

    const thumb = await download(url, member.accessToken, up.body.id, true);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect([...thumb.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    const history = await http<MessagePage>(url, 'GET', `/rooms/${room.id}/messages`, {
      token: member.accessToken,
    });
    expect(history.body.messages.at(-1)?.attachments).toEqual([up.body]);
    const found = await http<SearchResponse>(url, 'GET', `/messages/search?q=quokkas&roomId=${room.id}`, {
      token: member.accessToken,
    });
    expect(found.body.results[0]?.message.attachments).toEqual([up.body]);

    // A message may be attachments only; a message without text or attachments is refused.
    const second = await uploadFile(url, owner.accessToken, room.id, { name: 'b.png', bytes: PNG_BYTES });
    const bare = await request(ownerSocket, 'sendMessage', {
      roomId: room.id,
      content: '',
      clientMessageId: randomUUID(),
      attachmentIds: [second.body.id],
    });
    expect(okData(bare).message).toMatchObject({ content: '', attachments: [second.body] });
    refusedWith(
      await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: '',
        clientMessageId: randomUUID(),
      }),
      ErrorCode.VALIDATION,
    );
  });

  it('attachmentIds other than the sender’s own unsent uploads to the room are refused; a retry gets the stored message', async () => {
    const { owner, member, room, ownerSocket, memberSocket } = await roomWithMember();
    const other = await createRoom(url, owner.accessToken, 'elsewhere');
    const mine = await uploadFile(url, owner.accessToken, room.id, { name: 'a.txt', bytes: 'hello' });
    const theirs = await uploadFile(url, member.accessToken, room.id, { name: 'b.txt', bytes: 'hi' });
    const elsewhere = await uploadFile(url, owner.accessToken, other.id, { name: 'c.txt', bytes: 'yo' });
    for (const ids of [
      [theirs.body.id],
      [elsewhere.body.id],
      [randomUUID()],
      [mine.body.id, theirs.body.id],
    ]) {
      const ack = await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: 'x',
        clientMessageId: randomUUID(),
        attachmentIds: ids,
      });
      refusedWith(ack, ErrorCode.VALIDATION);
      if (!ack.ok) expect(Object.keys(ack.error.details?.fields ?? {})).toEqual(['attachmentIds']);
    }
    const clientMessageId = randomUUID();
    const payload = { roomId: room.id, content: 'once', clientMessageId, attachmentIds: [mine.body.id] };
    const first = okData(await request(ownerSocket, 'sendMessage', payload)).message;
    const retry = okData(await request(ownerSocket, 'sendMessage', payload)).message;
    expect(retry).toEqual(first);
    // Already sent: not sendable again with a new message.
    refusedWith(
      await request(ownerSocket, 'sendMessage', { ...payload, clientMessageId: randomUUID() }),
      ErrorCode.VALIDATION,
    );
    void memberSocket;
  });

  it('a stranger and a removed member get the answer a missing attachment gets; the removal takes effect at once', async () => {
    const { owner, member, room, ownerSocket } = await roomWithMember();
    const stranger = await registerUser(url, 'stranger');
    const up = await uploadFile(url, owner.accessToken, room.id, {
      name: 'plan.pdf',
      bytes: '%PDF-1.4\n%secret',
    });
    expect(up.body.mimeType).toBe('application/pdf');
    okData(
      await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: 'plan',
        clientMessageId: randomUUID(),
        attachmentIds: [up.body.id],
      }),
    );
    expect((await download(url, member.accessToken, up.body.id)).status).toBe(200);

    const missing = await download(url, member.accessToken, randomUUID());
    expect(missing.status).toBe(404);
    const missingBody = JSON.parse(missing.bytes.toString()) as unknown;
    expect(missingBody).toEqual({
      statusCode: 404,
      error: { code: ErrorCode.NOT_FOUND, message: 'Attachment not found' },
    });
    for (const variant of [false, true]) {
      const refused = await download(url, stranger.accessToken, up.body.id, variant);
      expect(refused.status).toBe(404);
      expect(JSON.parse(refused.bytes.toString())).toEqual(missingBody);
    }
    // A stranger cannot upload to the room either.
    const strangerUpload = await uploadFile(url, stranger.accessToken, room.id, {
      name: 'x.txt',
      bytes: 'x',
    });
    expect(strangerUpload.status).toBe(403);
    expect(strangerUpload.body.error?.code).toBe(ErrorCode.NOT_IN_ROOM);

    okData(await request(ownerSocket, 'removeParticipant', { roomId: room.id, userId: member.user.id }));
    const afterRemoval = await download(url, member.accessToken, up.body.id);
    expect(afterRemoval.status).toBe(404);
    expect(JSON.parse(afterRemoval.bytes.toString())).toEqual(missingBody);
  });

  it('types come from the bytes: HTML and SVG download as plain text with the sandbox CSP; a renamed PNG is an image', async () => {
    const { owner, room } = await roomWithMember();
    const html = await uploadFile(url, owner.accessToken, room.id, {
      name: 'invoice.png',
      bytes: '<!doctype html><script>alert(document.cookie)</script>',
      type: 'image/png',
    });
    const svg = await uploadFile(url, owner.accessToken, room.id, {
      name: 'logo.svg',
      bytes: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      type: 'image/svg+xml',
    });
    for (const up of [html, svg]) {
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({
        mimeType: 'text/plain; charset=utf-8',
        kind: 'file',
        hasThumbnail: false,
      });
      const got = await download(url, owner.accessToken, up.body.id);
      expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
      expect(got.headers.get('content-security-policy')).toBe(SANDBOX);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const renamed = await uploadFile(url, owner.accessToken, room.id, {
      name: 'notes.txt',
      bytes: PNG_BYTES,
      type: 'text/plain',
    });
    expect(renamed.body).toMatchObject({ name: 'notes.txt', mimeType: 'image/png', kind: 'image' });
    const binary = await uploadFile(url, owner.accessToken, room.id, {
      name: 'tool.exe',
      bytes: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]),
    });
    expect(binary.body).toMatchObject({ mimeType: 'application/octet-stream', kind: 'file' });
    const named = await download(url, owner.accessToken, binary.body.id);
    expect(named.headers.get('content-disposition')).toBe(
      `attachment; filename="tool.exe"; filename*=UTF-8''tool.exe`,
    );
  });

  it('past ATTACHMENT_MAX_BYTES: 413 TOO_LARGE, nothing stored; past the quota: 413 QUOTA_EXCEEDED; past the rate: 429', async () => {
    const { owner, room } = await roomWithMember();
    // Declared too large (refused before reading) and found too large while streaming.
    for (const size of [MAX_BYTES * 2, MAX_BYTES + 1]) {
      const res = await uploadFile(url, owner.accessToken, room.id, {
        name: 'big.bin',
        bytes: Buffer.alloc(size, 1),
      });
      expect(res.status).toBe(413);
      expect(res.body.error?.code).toBe(ErrorCode.TOO_LARGE);
    }
    // Three of 90 kB fit the 300 kB quota (the refused ones took none of it); the fourth does not.
    const ninety = Buffer.alloc(90_000, 7);
    const stored: AttachmentDto[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await uploadFile(url, owner.accessToken, room.id, { name: `part${i}.bin`, bytes: ninety });
      expect(res.status).toBe(201);
      stored.push(res.body);
    }
    const over = await uploadFile(url, owner.accessToken, room.id, { name: 'part3.bin', bytes: ninety });
    expect(over.status).toBe(413);
    expect(over.body.error?.code).toBe(ErrorCode.QUOTA_EXCEEDED);

    // Rate: another user, tiny files, until the per-minute count is used up.
    const busy = await registerUser(url, 'busy');
    const busySocket = await connect(url, busy.accessToken);
    await followRoom(busySocket, { roomId: room.id });
    const statuses: number[] = [];
    for (let i = 0; i <= UPLOADS_PER_MINUTE; i++)
      statuses.push((await uploadFile(url, busy.accessToken, room.id, { name: 'n.txt', bytes: 'n' })).status);
    expect(statuses.slice(0, UPLOADS_PER_MINUTE).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('deleting the room deletes its attachments: rows (404) and stored bytes', async () => {
    const { owner, member, room, ownerSocket } = await roomWithMember();
    const up = await uploadFile(url, owner.accessToken, room.id, { name: 'photo.png', bytes: PNG_BYTES });
    okData(
      await request(ownerSocket, 'sendMessage', {
        roomId: room.id,
        content: 'bye',
        clientMessageId: randomUUID(),
        attachmentIds: [up.body.id],
      }),
    );
    const key = `attachments/room-${room.id}/${up.body.id}`;
    expect(await storage.stat(key)).toMatchObject({ size: PNG_BYTES.length });
    expect(await storage.stat(`${key}.thumb.jpg`)).not.toBeNull();
    expect((await http(url, 'DELETE', `/rooms/${room.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await download(url, member.accessToken, up.body.id)).status).toBe(404);
    expect((await download(url, owner.accessToken, up.body.id)).status).toBe(404);
    // The bytes go right after the rows, in the background of the delete.
    const stillStored = async () =>
      (await storage.stat(key)) !== null || (await storage.stat(`${key}.thumb.jpg`)) !== null;
    for (let i = 0; i < 50 && (await stillStored()); i++) await sleep(100);
    expect(await stillStored()).toBe(false);
  });
});

describe('attachments without ffmpeg (sqlite)', () => {
  let target: ChatTarget;
  beforeAll(async () => {
    target = await startChatTarget('sqlite', { FFMPEG_PATH: '/nonexistent/ffmpeg', LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });

  it('images upload, send and download without a thumbnail; the missing ffmpeg is logged once', async () => {
    const owner = await registerUser(target.url, 'owner');
    const room = await createRoom(target.url, owner.accessToken, 'no ffmpeg');
    const socket = await connect(target.url, owner.accessToken);
    await followRoom(socket, { roomId: room.id });
    const ids: string[] = [];
    for (const name of ['a.png', 'b.png']) {
      const up = await uploadFile(target.url, owner.accessToken, room.id, { name, bytes: PNG_BYTES });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ kind: 'image', hasThumbnail: false });
      ids.push(up.body.id);
    }
    const sent = okData(
      await request(socket, 'sendMessage', {
        roomId: room.id,
        content: '',
        clientMessageId: randomUUID(),
        attachmentIds: ids,
      }),
    ).message;
    expect(sent.attachments.map((a) => a.hasThumbnail)).toEqual([false, false]);
    expect((await download(target.url, owner.accessToken, ids[0]!, true)).status).toBe(404);
    const file = await download(target.url, owner.accessToken, ids[0]!);
    expect(file.bytes.equals(PNG_BYTES)).toBe(true);
    const missing = target.server.logLines().filter((l) => String(l.msg).startsWith('ffmpeg not found'));
    expect(missing).toHaveLength(1);
  });
});
