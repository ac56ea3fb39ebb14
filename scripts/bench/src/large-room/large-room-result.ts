/** What `--phases large-room` records (bench.json → largeRoom). */
import type { Design, LargeRoomPlan, Topology } from './large-room-plan.js';

export interface SizeRun {
  design: Design;
  topology: Topology;
  receivers: number;
  senders: number;
  /** 2: the size did not hold the first time and was run again. */
  attempt: number;
  /** Senders + receivers + the bystander. */
  participants: number;
  /** Joined, every receiver got its page and the loud speakers, loss within the stop limit. */
  held: boolean;
  /** The setup could not run here (no Redis / MariaDB); not a failure of the load. */
  skipped: boolean;
  /** Why it did not hold (null when it held). */
  stopReason: string | null;
  joined: number;
  failedJoins: number;
  /** At the window's end (or when the settle budget ran out). */
  receiversWithPage: number;
  receiversWithLoudest: number;
  /** First join → every receiver had its page and the speakers, s. */
  settleSec: number | null;
  /** Per receiver: join ack → first RTP of its first video. */
  firstFrameMs: { p50: number | null; p95: number | null; count: number };
  /** What the bystander received while the receivers joined (Engine.IO message bytes). */
  signaling: {
    bytes: number;
    messages: number;
    joins: number;
    bytesPerJoin: number | null;
    byEvent: Record<string, number>;
  };
  /** Consumers on the server(s) in the window: lowest and highest snapshot; bound = receivers × (page + K) + senders. */
  consumers: { held: number | null; max: number | null; bound: number };
  /** Open consumers per receiver at the window's end, by kind. */
  consumersPerReceiver: { video: number | null; audio: number | null };
  /** Server processes + workers over the window (every node), in cores; per participant in % of one core. */
  serverCpu: { cores: number | null; workerCores: number | null; percentPerParticipant: number | null };
  workerUsPerPacket: number | null;
  /** Server processes + workers RSS (every node) before anyone joined and in the window, MiB. */
  memory: { rssMbBefore: number | null; rssMbDuring: number | null; mbPerParticipant: number | null };
  /**
   * Receive loss (RTP sequence gaps over every receiver stream, from its first packet to the
   * window's end; windowPercent: over the window alone, which late packets can make negative). Packets per
   * second received and forwarded by the servers' consumers (admin stats, their own window) tell
   * loss on the server's side from loss after it (kernel buffers, the bench's event loop).
   */
  loss: {
    percent: number | null;
    windowPercent: number | null;
    packets: number;
    lost: number;
    receivedPerSec: number | null;
    forwardedPerSec: number | null;
  };
  windowSec: number | null;
  /** The bench process's event-loop delay p99 in the window (bots and receivers share it). */
  botLoopDelayP99Ms: number | null;
  notes: string[];
}

export interface TopologyOutcome {
  topology: Topology;
  /** Largest receiver count that held (null: none). */
  largestHeld: number | null;
  /** Where and why it stopped ("held every size" when it did not). */
  stoppedAt: number | null;
  stopReason: string;
}

export interface Verdict {
  held: boolean;
  line: string;
}

export interface LargeRoomResult {
  plan: LargeRoomPlan;
  runs: SizeRun[];
  outcomes: TopologyOutcome[];
  /** Paged vs old design at the same sizes (one node). */
  comparison: Array<{ receivers: number; paged: SizeRun | null; oldDesign: SizeRun | null }>;
  verdict: Verdict;
}
