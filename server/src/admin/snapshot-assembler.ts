import {
  adminTotals,
  type AdminConsumerStats,
  type AdminProducerStats,
  type AdminRoomHost,
  type AdminRoomStats,
  type AdminStatsSnapshot,
  type AdminTransportStats,
  type AdminWorkerStats,
  type ServerProcessStats,
} from '@minimeet/shared';
import type {
  RoomSample,
  TrafficSample,
  TransportSample,
  WorkerSample,
} from '../media/media-stats-reader.js';

/** Everything one tick gathered: raw media samples plus the names the database knows. */
export interface TickSample {
  takenAt: Date;
  /** Monotonic clock (ms) when the tick finished reading. */
  monoMs: number;
  process: { pid: number; cpuMicros: number; rssBytes: number; uptimeSeconds: number };
  workers: WorkerSample[];
  rooms: RoomSample[];
  roomNames: ReadonlyMap<number, string>;
  callSessionIds: ReadonlyMap<number, number>;
  usernames: ReadonlyMap<number, string>;
  /** Nodes hosting each room (cluster); rooms missing here get no `hosts`. */
  roomHosts?: ReadonlyMap<number, AdminRoomHost[]>;
}

interface WorkerMark {
  cpuMs: number;
  rssBytes: number;
  monoMs: number;
}

interface TrafficMark {
  packets: number;
  bytes: number;
  readAt: number;
}

/**
 * Turns raw samples into AdminStatsSnapshots. Rates (bitrates, CPU %) are deltas against the
 * previous sample of the same object, over the time between the two reads; state of objects
 * that are gone is dropped each tick.
 */
export class SnapshotAssembler {
  #lastMonoMs: number | undefined;
  #lastProcessCpu: { micros: number; monoMs: number } | undefined;
  #workerMarks = new Map<number, WorkerMark>();
  #traffic = new Map<string, TrafficMark>();

  assemble(s: TickSample): AdminStatsSnapshot {
    const intervalMs =
      this.#lastMonoMs === undefined ? 0 : Math.max(0, Math.round(s.monoMs - this.#lastMonoMs));
    this.#lastMonoMs = s.monoMs;
    const seen = new Set<string>();
    const rooms = s.rooms.map((r) => this.#room(r, s, seen));
    for (const id of this.#traffic.keys()) if (!seen.has(id)) this.#traffic.delete(id);
    return {
      takenAt: s.takenAt.toISOString(),
      intervalMs,
      server: this.#server(s),
      workers: this.#workers(s),
      rooms,
      totals: adminTotals(rooms),
    };
  }

  #server(s: TickSample): ServerProcessStats {
    const prev = this.#lastProcessCpu;
    this.#lastProcessCpu = { micros: s.process.cpuMicros, monoMs: s.monoMs };
    // First tick: the average since the process started.
    const cpuPercent = prev
      ? percent((s.process.cpuMicros - prev.micros) / 1000, s.monoMs - prev.monoMs)
      : percent(s.process.cpuMicros / 1000, s.process.uptimeSeconds * 1000);
    return {
      pid: s.process.pid,
      cpuPercent,
      rssBytes: s.process.rssBytes,
      cpuMs: Math.round(s.process.cpuMicros / 1000),
      uptimeSeconds: Math.round(s.process.uptimeSeconds),
    };
  }

  #workers(s: TickSample): AdminWorkerStats[] {
    const next = new Map<number, WorkerMark>();
    const out = s.workers.map((w): AdminWorkerStats => {
      const prev = this.#workerMarks.get(w.pid);
      if (w.cpuMs === null || w.maxRssBytes === null) {
        // No answer this time: report the last known values, keep them as the baseline.
        if (prev) next.set(w.pid, prev);
        return {
          pid: w.pid,
          alive: w.alive,
          cpuPercent: 0,
          cpuMs: prev?.cpuMs ?? 0,
          rssBytes: prev?.rssBytes ?? 0,
          routers: w.routers,
          responding: false,
        };
      }
      next.set(w.pid, { cpuMs: w.cpuMs, rssBytes: w.maxRssBytes, monoMs: s.monoMs });
      return {
        pid: w.pid,
        alive: w.alive,
        cpuPercent: prev ? percent(w.cpuMs - prev.cpuMs, s.monoMs - prev.monoMs) : 0,
        cpuMs: w.cpuMs,
        rssBytes: w.maxRssBytes,
        routers: w.routers,
        responding: true,
      };
    });
    this.#workerMarks = next;
    return out;
  }

  #room(r: RoomSample, s: TickSample, seen: Set<string>): AdminRoomStats {
    let bitrateIn = 0;
    let bitrateOut = 0;
    const peers = r.peers.map((p) => {
      const producers = p.producers.map((pr): AdminProducerStats => {
        seen.add(pr.id);
        const t = this.#rate(pr.id, pr.traffic);
        bitrateIn += t.bitrate;
        return {
          id: pr.id,
          kind: pr.kind,
          source: pr.source,
          codec: pr.codec,
          bitrate: t.bitrate,
          score: pr.score,
          paused: pr.paused,
          packets: t.packets,
          bytes: t.bytes,
          ...(pr.layers ? { layers: pr.layers } : {}),
        };
      });
      const consumers = p.consumers.map((c): AdminConsumerStats => {
        seen.add(c.id);
        const t = this.#rate(c.id, c.traffic);
        bitrateOut += t.bitrate;
        return {
          id: c.id,
          producerId: c.producerId,
          kind: c.kind,
          bitrate: t.bitrate,
          score: c.score,
          packetLoss: c.fractionLost === null ? 0 : round2(c.fractionLost * 100),
          spatialLayer: c.spatialLayer,
          paused: c.paused,
          packets: t.packets,
          bytes: t.bytes,
        };
      });
      return {
        userId: p.userId,
        username: s.usernames.get(p.userId) ?? `user#${p.userId}`,
        workerPid: p.workerPid,
        transports: p.transports,
        transportStats: p.transportSamples.map(transportStats),
        producers,
        consumers,
      };
    });
    return {
      id: r.roomId,
      name: s.roomNames.get(r.roomId) ?? '',
      callSessionId: s.callSessionIds.get(r.roomId) ?? null,
      workerPid: r.workerPid,
      routers: r.routers.map((x) => ({ workerPid: x.workerPid, routerId: x.routerId, peers: x.peerIds.length })),
      ...(s.roomHosts?.has(r.roomId) ? { hosts: s.roomHosts.get(r.roomId) } : {}),
      peers,
      bitrateIn,
      bitrateOut,
    };
  }

  /** Bits per second since this object's previous reading (mediasoup's estimate on first sight). */
  #rate(id: string, traffic: TrafficSample | null): { bitrate: number; packets: number; bytes: number } {
    const prev = this.#traffic.get(id);
    if (!traffic) return { bitrate: 0, packets: prev?.packets ?? 0, bytes: prev?.bytes ?? 0 };
    this.#traffic.set(id, { packets: traffic.packets, bytes: traffic.bytes, readAt: traffic.readAt });
    const elapsedMs = prev ? traffic.readAt - prev.readAt : 0;
    const bitrate =
      prev && elapsedMs > 0
        ? Math.max(0, Math.round(((traffic.bytes - prev.bytes) * 8 * 1000) / elapsedMs))
        : Math.round(traffic.mediasoupBitrate);
    return { bitrate, packets: traffic.packets, bytes: traffic.bytes };
  }
}

function transportStats(t: TransportSample): AdminTransportStats {
  const tuple = t.tuple;
  return {
    id: t.id,
    direction: t.direction,
    iceState: t.iceState,
    dtlsState: t.dtlsState,
    tuple: tuple
      ? {
          protocol: tuple.protocol,
          localIp: tuple.localIp,
          localPort: tuple.localPort,
          remoteIp: tuple.remoteIp ?? '',
          remotePort: tuple.remotePort ?? 0,
        }
      : null,
    availableOutgoingBitrate:
      t.availableOutgoingBitrate === null ? null : Math.round(t.availableOutgoingBitrate),
    bitrateIn: Math.round(t.recvBitrate),
    bitrateOut: Math.round(t.sendBitrate),
    retransmitBitrateOut: Math.round(t.rtxSendBitrate),
  };
}

/** `usedMs` of CPU over `elapsedMs` of wall time, in percent of one core (2 decimals). */
function percent(usedMs: number, elapsedMs: number): number {
  return elapsedMs > 0 ? round2(Math.max(0, (usedMs / elapsedMs) * 100)) : 0;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
