/** The shapes of a bot run's results, from one bot up to the whole report (report.json). */

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  count: number;
}

/** One bot (one user in one room), measured by the bot itself. */
export interface BotResult {
  index: number;
  username: string;
  userId: number | null;
  /** 1-based room number of the run and the server's room id. */
  room: number;
  roomId: number;
  /** POST /api/auth/login (+ register) wall time, throttle waits excluded. */
  loginMs: number | null;
  /** Time spent waiting on HTTP 429 from the auth rate limit. */
  authThrottledMs: number;
  /** Socket.IO connect, then joinRoom emit → ack. */
  connectMs: number | null;
  joinAckMs: number | null;
  /** joinRoom ack → transports created and own producers sent. */
  mediaReadyMs: number | null;
  joined: boolean;
  /** Why the bot did not join (null when it joined). */
  failure: string | null;
  /** A light receive-only bot (--light-receivers): sends nothing, does not chat. */
  light: boolean;
  /** RTP packets this bot's clip player handed to its senders. */
  sentPackets: number;
  chat: { sent: number; refused: number; received: number; duplicates: number };
  errors: number;
}

/** One remote stream as received by one bot. */
export interface StreamResult {
  receiver: string;
  receiverUserId: number | null;
  room: number;
  senderUserId: number;
  sender: string | null;
  kind: 'audio' | 'video';
  producerId: string;
  /** Producer announced to the receiver (joinRoom answer or newProducer) → first RTP packet. */
  firstRtpMs: number | null;
  /** Receiver's joinRoom ack → first RTP packet of this stream. */
  firstRtpSinceJoinMs: number | null;
  packets: number;
  bytes: number;
  /** From RTP sequence numbers (RTCP style): highest − first + 1, and expected − distinct received. */
  expectedPackets: number;
  lostPackets: number;
  duplicatePackets: number;
  lossPercent: number;
  /** Average over first → last packet. */
  bitrateKbps: number;
}

/** One expected (receiver, sender, kind) stream that never delivered a packet. */
export interface MissingStream {
  receiver: string;
  sender: string;
  room: number;
  kind: 'audio' | 'video';
}

export interface RoomResult {
  room: number;
  roomId: number;
  name: string;
  botsJoined: number;
  expectedStreams: number;
  receivedStreams: number;
  expectedPackets: number;
  lostPackets: number;
  lossPercent: number;
  bitrateKbps: number;
}

export interface WorkerCpuSample {
  pid: number;
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** Server figures at one moment. */
export interface ServerSample {
  t: number;
  /** admin = GET /api/admin/stats; health = GET /api/health worker CPU (+ procfs for a local server). */
  source: 'admin' | 'health' | 'health+procfs';
  workers: WorkerCpuSample[];
  serverCpuPercent: number | null;
  serverRssBytes: number | null;
  /** From the admin snapshot only. */
  bitrateInKbps: number | null;
  bitrateOutKbps: number | null;
}

/** One per-second sample of the whole run. */
export interface TimelineSample {
  /** Seconds since the run started. */
  t: number;
  botsJoined: number;
  botsFailed: number;
  streamsFlowing: number;
  /** Received RTP over the last second, all bots. */
  bitrateKbps: number;
  packetsPerSec: number;
  lostPackets: number;
  chatSent: number;
  chatReceived: number;
  errors: number;
  /** Worst event-loop delay p99 (ms) over the bot processes in the last second. */
  botLoopDelayP99Ms: number | null;
  /** Latest server sample: CPU % (of one core) per worker pid, server CPU % and RSS. */
  workerCpu: Record<string, number>;
  serverCpuPercent: number | null;
  serverRssMb: number | null;
}

export interface RunError {
  /** Seconds since the run started. */
  t: number;
  bot: string | null;
  message: string;
}

export interface ChatSummary {
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  refused: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface BotSummary {
  bots: number;
  botsJoined: number;
  botsFailed: number;
  expectedStreams: number;
  receivedStreams: number;
  missingStreams: number;
  expectedPackets: number;
  receivedPackets: number;
  lostPackets: number;
  lossPercent: number;
  receivedBytes: number;
  /** Mean received bitrate over the steady phase, all bots together. */
  meanBitrateKbps: number;
  peakBitrateKbps: number;
  loginMs: Percentiles;
  joinMs: Percentiles;
  mediaReadyMs: Percentiles;
  firstRtpMs: Percentiles;
  chat: ChatSummary;
  errors: number;
  /** Server figures over the steady phase (null when the server gave none). */
  server: {
    source: ServerSample['source'] | 'none';
    workerCpuPercentMean: Record<string, number>;
    workerCpuPercentMax: Record<string, number>;
    serverCpuPercentMean: number | null;
    serverRssMbMax: number | null;
  };
  botProcesses: { count: number; loopDelayP99MsMax: number | null };
}

export interface BotReport {
  summary: BotSummary;
  bots: BotResult[];
  streams: StreamResult[];
  missingStreams: MissingStream[];
  rooms: RoomResult[];
  timeline: TimelineSample[];
  server: { samples: ServerSample[]; notes: string[] };
  errors: RunError[];
  warnings: string[];
  /** Latency samples behind the histograms (ms). */
  samples: { joinMs: number[]; firstRtpMs: number[]; chatMs: number[] };
  options: Record<string, unknown>;
  startedAt: string;
  /** When the ramp ended and the steady phase began / ended (seconds since start). */
  steadyFromSec: number;
  steadyToSec: number;
  endedAt: string;
}
