// The exit-code rule on crafted results: the report assembled from what the bots measured must
// name what is missing, and the verdict must fail for it.
import { describe, expect, it } from 'vitest';
import { assembleReport, type RunRecord } from '../src/assemble-report.js';
import type { GroupResult } from '../src/bot-group.js';
import { resolveOptions } from '../src/options.js';
import type { BotResult, StreamResult } from '../src/report-types.js';
import { verdict } from '../src/run-bots.js';

const bot = (index: number, userId: number, over: Partial<BotResult> = {}): BotResult => ({
  index,
  username: `bot_r1_p${index + 1}`,
  userId,
  room: 1,
  roomId: 7,
  loginMs: 50,
  authThrottledMs: 0,
  connectMs: 5,
  joinAckMs: 10 + index,
  mediaReadyMs: 60,
  joined: true,
  light: false,
  failure: null,
  sentPackets: 1000,
  chat: { sent: 0, refused: 0, received: 0, duplicates: 0 },
  errors: 0,
  ...over,
});

const stream = (
  receiver: BotResult,
  sender: BotResult,
  kind: 'audio' | 'video',
  over: Partial<StreamResult> = {},
): StreamResult => ({
  receiver: receiver.username,
  receiverUserId: receiver.userId,
  room: 1,
  senderUserId: sender.userId!,
  sender: null,
  kind,
  producerId: `${sender.userId}-${kind}`,
  firstRtpMs: 120,
  firstRtpSinceJoinMs: 200,
  packets: 500,
  bytes: 50_000,
  expectedPackets: 500,
  lostPackets: 0,
  duplicatePackets: 0,
  lossPercent: 0,
  bitrateKbps: 40,
  ...over,
});

function record(result: GroupResult): RunRecord {
  return {
    options: resolveOptions({ url: 'http://127.0.0.1:1', rooms: 1, peers: 2, durationSec: 10 }),
    plans: [],
    rooms: [{ room: 1, roomId: 7, name: 'bot-room-1' }],
    results: [result],
    timeline: [],
    serverSamples: [],
    serverNotes: [],
    serverSource: 'none',
    errors: [],
    warnings: [],
    startedAt: 0,
    steadyFrom: 1000,
    steadyTo: 11_000,
    endedAt: 12_000,
    processes: 1,
  };
}

const chat = { sent: 10, refused: 0, received: 20, lost: 0, duplicated: 0, latenciesMs: [3, 4, 5] };
const a = bot(0, 101);
const b = bot(1, 102);
const all = [stream(a, b, 'audio'), stream(a, b, 'video'), stream(b, a, 'audio'), stream(b, a, 'video')];

describe('bot run verdict', () => {
  it('expects the K loudest microphones per receiver, not every one (issue 19)', () => {
    const five = [0, 1, 2, 3, 4].map((i) => bot(i, 201 + i));
    const withMics = (micsPerReceiver: number) =>
      five.flatMap((r) => {
        const others = five.filter((s) => s !== r);
        return [
          ...others.map((s) => stream(r, s, 'video')),
          ...others.slice(0, micsPerReceiver).map((s) => stream(r, s, 'audio')),
        ];
      });
    const rec = (streams: StreamResult[]) => ({
      ...record({ bots: five, streams, chat, loopDelayP99MsMax: 1 }),
      options: resolveOptions({
        url: 'http://127.0.0.1:1',
        rooms: 1,
        peers: 5,
        durationSec: 10,
        audioLoudestK: 3,
      }),
    });
    const ok = assembleReport(rec(withMics(3)));
    expect(ok.summary).toMatchObject({ expectedStreams: 5 * (4 + 3), receivedStreams: 5 * (4 + 3) });
    expect(verdict(ok).ok).toBe(true);
    const short = assembleReport(rec(withMics(2)));
    expect(short.summary.receivedStreams).toBe(5 * (4 + 2));
    expect(short.missingStreams).toHaveLength(5);
    expect(verdict(short).ok).toBe(false);
  });

  it('passes when every bot joined, every stream arrived and chat was exact', () => {
    const report = assembleReport(record({ bots: [a, b], streams: all, chat, loopDelayP99MsMax: 12 }));
    expect(report.summary).toMatchObject({ expectedStreams: 4, receivedStreams: 4, lossPercent: 0 });
    expect(report.summary.joinMs.p50).toBe(10);
    expect(verdict(report)).toEqual({ ok: true, failures: [] });
  });

  it('fails naming the stream that never arrived', () => {
    // b's video reached a's consumer but not one packet came through.
    const streams = all.map((s) =>
      s.receiver === a.username && s.kind === 'video' ? { ...s, packets: 0 } : s,
    );
    const report = assembleReport(record({ bots: [a, b], streams, chat, loopDelayP99MsMax: 12 }));
    expect(report.summary.receivedStreams).toBe(3);
    expect(report.missingStreams).toEqual([
      { receiver: a.username, sender: b.username, room: 1, kind: 'video' },
    ]);
    const v = verdict(report);
    expect(v.ok).toBe(false);
    expect(v.failures.join()).toContain(`${a.username} ← ${b.username} video`);
  });

  it('fails when a bot did not join (and its streams are missing)', () => {
    const failed = bot(1, 102, {
      joined: false,
      failure: 'joinRoom: ROOM_FULL room is full',
      joinAckMs: null,
    });
    const report = assembleReport(record({ bots: [a, failed], streams: [], chat, loopDelayP99MsMax: 1 }));
    expect(report.summary.botsFailed).toBe(1);
    expect(report.summary.receivedStreams).toBe(0);
    const v = verdict(report);
    expect(v.ok).toBe(false);
    expect(v.failures[0]).toMatch(/1 of 2 bots did not join: bot_r1_p2 \(joinRoom: ROOM_FULL/);
  });

  it('fails when chat lost or duplicated a message', () => {
    const lost = assembleReport(
      record({ bots: [a, b], streams: all, chat: { ...chat, lost: 1 }, loopDelayP99MsMax: 1 }),
    );
    expect(verdict(lost).failures).toEqual(['chat lost 1 deliveries']);
    const dup = assembleReport(
      record({ bots: [a, b], streams: all, chat: { ...chat, duplicated: 2 }, loopDelayP99MsMax: 1 }),
    );
    expect(verdict(dup).failures).toEqual(['chat duplicated 2 deliveries']);
  });

  it('loss is summed from sequence gaps over the bots’ streams', () => {
    const streams = all.map((s, i) => (i === 0 ? { ...s, expectedPackets: 1000, lostPackets: 20 } : s));
    const report = assembleReport(record({ bots: [a, b], streams, chat, loopDelayP99MsMax: 1 }));
    expect(report.summary.lostPackets).toBe(20);
    expect(report.summary.lossPercent).toBeCloseTo((100 * 20) / 2500, 3);
    expect(report.rooms[0]!.lossPercent).toBeCloseTo(0.8, 3);
  });

  it('light receivers are expected to receive every peer and to send nothing', () => {
    const light = bot(2, 103, { username: 'bot_r1_l1', light: true, sentPackets: 0 });
    const fromPeers = [stream(light, a, 'audio'), stream(light, a, 'video'), stream(light, b, 'audio')];
    const report = assembleReport(
      record({ bots: [a, b, light], streams: [...all, ...fromPeers], chat, loopDelayP99MsMax: 1 }),
    );
    // 2 peers × 1 other peer × 2 kinds + 1 light receiver × 2 peers × 2 kinds; nothing from the light bot.
    expect(report.summary.expectedStreams).toBe(8);
    expect(report.missingStreams).toEqual([
      { receiver: 'bot_r1_l1', sender: b.username, room: 1, kind: 'video' },
    ]);
    expect(verdict(report).ok).toBe(false);
  });
});
