/**
 * Chat load without media: plain socket.io-client users in rooms, each sending sendMessage at a
 * fixed rate (under the server's per-user chat limit), measuring acks and newMessage delivery
 * latency (sender's emit → another member's receipt; one clock, this process).
 */
import { randomUUID } from 'node:crypto';
import {
  socketHandshakeAuth,
  type ClientToServerEvents,
  type RoomDto,
  type ServerToClientEvents,
} from '@minimeet/shared';
import { io, type Socket } from 'socket.io-client';
import { mapLimit } from '../../bots/src/map-limit.js';
import { percentiles } from './stats.js';
import { LoadSampler } from './sampler.js';
import { authenticate } from '@minimeet/test-harness';
import type { BenchServer } from './servers.js';

type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ChatSpec {
  rooms: number;
  usersPerRoom: number;
  /** Messages per second per user. */
  perUserPerSec: number;
  durationSec: number;
  namePrefix: string;
}

export interface ChatResult {
  server: BenchServer['kind'];
  spec: ChatSpec;
  offeredPerSec: number;
  sent: number;
  acked: number;
  refused: number;
  refusedCodes: Record<string, number>;
  /** How long users were sending. */
  sendSeconds: number;
  /** Acked messages per second of sending. */
  ackedPerSec: number;
  /** Deliveries to the other members of the room. */
  expectedDeliveries: number;
  delivered: number;
  lostDeliveries: number;
  deliveryMs: { p50: number | null; p95: number | null; p99: number | null; count: number };
  ackMs: { p50: number | null; p95: number | null; p99: number | null; count: number };
  serverCores: number | null;
  /** Acked messages per second per fully busy server core (linear extrapolation from serverCores). */
  messagesPerServerCore: number | null;
}

/** After the last send: how long late deliveries are still counted. */
const DRAIN_MS = 3000;

export async function runChat(server: BenchServer, spec: ChatSpec): Promise<ChatResult> {
  const rooms = await createRooms(server, spec);
  const users = await mapLimit(
    Array.from({ length: spec.rooms * spec.usersPerRoom }, (_, i) => i),
    8,
    async (i) => {
      const room = rooms[Math.floor(i / spec.usersPerRoom)]!;
      const auth = await authenticate(server.url, `${spec.namePrefix}_u${i + 1}`, 'chat-bench-password');
      return { index: i, userId: auth.user.id, room, token: auth.accessToken };
    },
  );
  const sockets: ChatSocket[] = [];
  try {
    for (const u of users) {
      const socket: ChatSocket = io(server.url, {
        auth: socketHandshakeAuth(u.token),
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const ack = await socket.timeout(15_000).emitWithAck('joinRoom', { roomId: u.room.id });
      if (!ack.ok) throw new Error(`joinRoom refused: ${ack.error.code} ${ack.error.message}`);
    }

    const sentAt = new Map<string, { at: number; sender: number }>();
    const deliveryMs: number[] = [];
    const ackMs: number[] = [];
    const refusedCodes: Record<string, number> = {};
    let sent = 0;
    let acked = 0;
    let delivered = 0;
    users.forEach((u, i) => {
      sockets[i]!.on('newMessage', ({ message }) => {
        const s = sentAt.get(message.clientMessageId);
        if (!s || s.sender === u.index) return;
        delivered++;
        deliveryMs.push(Date.now() - s.at);
      });
    });

    const sampler = new LoadSampler(server);
    sampler.start();
    const started = Date.now();
    const stopAt = started + spec.durationSec * 1000;
    const period = 1000 / spec.perUserPerSec;
    const timers: NodeJS.Timeout[] = [];
    const pending: Promise<void>[] = [];
    users.forEach((u, i) => {
      const socket = sockets[i]!;
      const send = () => {
        if (Date.now() >= stopAt) return;
        const clientMessageId = randomUUID();
        const at = Date.now();
        sentAt.set(clientMessageId, { at, sender: u.index });
        sent++;
        pending.push(
          socket
            .timeout(30_000)
            .emitWithAck('sendMessage', {
              roomId: u.room.id,
              content: `bench ${u.index} ${sent}`,
              clientMessageId,
            })
            .then(
              (ack) => {
                if (ack.ok) {
                  acked++;
                  ackMs.push(Date.now() - at);
                } else refusedCodes[ack.error.code] = (refusedCodes[ack.error.code] ?? 0) + 1;
              },
              () => {
                refusedCodes.TIMEOUT = (refusedCodes.TIMEOUT ?? 0) + 1;
              },
            ),
        );
      };
      // Random phase, then a fixed period: users do not all send in the same millisecond.
      timers.push(
        setTimeout(() => {
          send();
          timers.push(setInterval(send, period));
        }, Math.random() * period),
      );
    });
    await new Promise((r) => setTimeout(r, spec.durationSec * 1000));
    const sendEnded = Date.now();
    for (const t of timers) clearInterval(t);
    await Promise.all(pending);
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    sampler.stop();
    let serverCores: number | null = null;
    try {
      const w = sampler.window(started, sendEnded);
      serverCores = w.serverCores + w.workerCores;
    } catch {
      serverCores = null;
    }
    const refused = Object.values(refusedCodes).reduce((a, b) => a + b, 0);
    const expectedDeliveries = acked * (spec.usersPerRoom - 1);
    return {
      server: server.kind,
      spec,
      offeredPerSec: spec.rooms * spec.usersPerRoom * spec.perUserPerSec,
      sent,
      acked,
      refused,
      refusedCodes,
      sendSeconds: (sendEnded - started) / 1000,
      ackedPerSec: acked / ((sendEnded - started) / 1000),
      expectedDeliveries,
      delivered,
      lostDeliveries: Math.max(0, expectedDeliveries - delivered),
      deliveryMs: percentiles(deliveryMs),
      ackMs: percentiles(ackMs),
      serverCores,
      messagesPerServerCore:
        serverCores && serverCores > 0 ? acked / ((sendEnded - started) / 1000) / serverCores : null,
    };
  } finally {
    for (const s of sockets) s.disconnect();
  }
}

async function createRooms(server: BenchServer, spec: ChatSpec): Promise<RoomDto[]> {
  const out: RoomDto[] = [];
  for (let r = 1; r <= spec.rooms; r++) {
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({
        name: `${spec.namePrefix}-chat-${r}`,
        maxParticipants: Math.max(2, spec.usersPerRoom),
      }),
    });
    if (!res.ok) throw new Error(`POST /api/rooms: HTTP ${res.status} ${await res.text()}`);
    out.push((await res.json()) as RoomDto);
  }
  return out;
}
