/** The live status line: rewritten in place on a terminal, one line every 5 s otherwise. */
import type { TimelineSample } from './report-types.js';

export class ProgressLine {
  private lastPrinted = 0;
  private readonly tty = Boolean(process.stdout.isTTY);

  constructor(
    private readonly targetBots: number,
    private readonly expectedStreams: number,
  ) {}

  update(x: TimelineSample, phase: string): void {
    const cpu = Object.entries(x.workerCpu)
      .map(([pid, v]) => `w${pid} ${Math.round(v)}%`)
      .join(' ');
    const line =
      `[${x.t.toFixed(0).padStart(4)} s ${phase}] bots ${x.botsJoined}/${this.targetBots}` +
      (x.botsFailed ? ` (${x.botsFailed} failed)` : '') +
      ` | streams ${x.streamsFlowing}/${this.expectedStreams} flowing | ${(x.bitrateKbps / 1000).toFixed(2)} Mbit/s` +
      ` | lost ${x.lostPackets} pkts | chat ${x.chatSent} sent ${x.chatReceived} delivered | errors ${x.errors}` +
      (cpu ? ` | cpu ${cpu}` : '') +
      (x.serverCpuPercent !== null ? ` srv ${Math.round(x.serverCpuPercent)}%` : '') +
      (x.botLoopDelayP99Ms !== null ? ` | bot loop p99 ${x.botLoopDelayP99Ms.toFixed(0)} ms` : '');
    if (this.tty) {
      process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns || 200) - 1)}`);
    } else if (x.t - this.lastPrinted >= 5) {
      this.lastPrinted = x.t;
      process.stdout.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so later output starts on a fresh one. */
  done(): void {
    if (this.tty) process.stdout.write('\n');
  }
}
