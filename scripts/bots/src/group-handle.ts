/**
 * The coordinator's view of one group of bots, wherever it runs: in this process, or in a forked
 * bot-worker (so that several event loops share the packet work; see README for measurements).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BotGroup, type GroupConfig, type GroupResult, type GroupStatus } from './bot-group.js';

export type ParentMessage = { type: 'start'; config: GroupConfig } | { type: 'chat' } | { type: 'stop' };
export type WorkerMessage =
  | { type: 'status'; status: GroupStatus }
  | { type: 'settled' }
  | { type: 'result'; result: GroupResult }
  | { type: 'fatal'; message: string };

export interface GroupHandle {
  /** Latest status; errors reported since the previous call. */
  status(): GroupStatus | undefined;
  settled: Promise<void>;
  startChat(): void;
  stop(): Promise<GroupResult>;
}

export class InProcessGroup implements GroupHandle {
  private readonly group: BotGroup;
  readonly settled: Promise<void>;

  constructor(config: GroupConfig) {
    this.group = new BotGroup(config);
    this.settled = this.group.settled;
  }

  status(): GroupStatus {
    return this.group.status();
  }

  startChat(): void {
    this.group.startChat();
  }

  stop(): Promise<GroupResult> {
    return this.group.stop();
  }
}

const WORKER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bot-worker.ts');

/** tsx's ESM loader, so the forked worker runs the TypeScript sources like the parent. */
function tsxLoader(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(pkg), 'dist/loader.mjs')).href;
}

export class ForkedGroup implements GroupHandle {
  private readonly child: ChildProcess;
  private latest: GroupStatus | undefined;
  private errorsBacklog: GroupStatus['newErrors'] = [];
  private result: Promise<GroupResult>;
  readonly settled: Promise<void>;

  constructor(config: GroupConfig) {
    this.child = fork(WORKER_ENTRY, [], {
      execArgv: ['--import', tsxLoader()],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settle!: () => void;
    this.settled = new Promise((r) => (settle = r));
    this.result = new Promise<GroupResult>((resolve, reject) => {
      this.child.on('message', (m: WorkerMessage) => {
        if (m.type === 'status') {
          this.latest = m.status;
          this.errorsBacklog.push(...m.status.newErrors);
        } else if (m.type === 'settled') settle();
        else if (m.type === 'result') resolve(m.result);
        else if (m.type === 'fatal') reject(new Error(`bot process ${this.child.pid}: ${m.message}`));
      });
      this.child.once('exit', (code, signal) => {
        settle();
        reject(new Error(`bot process ${this.child.pid} exited (${signal ?? code}) before reporting`));
      });
    });
    // A rejection before stop() is awaited must not be unhandled; stop() rethrows it.
    this.result.catch(() => undefined);
    this.child.send({ type: 'start', config } satisfies ParentMessage);
  }

  status(): GroupStatus | undefined {
    if (!this.latest) return undefined;
    const s = { ...this.latest, newErrors: this.errorsBacklog };
    this.errorsBacklog = [];
    return s;
  }

  startChat(): void {
    if (this.child.connected) this.child.send({ type: 'chat' } satisfies ParentMessage);
  }

  async stop(): Promise<GroupResult> {
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timeout = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    try {
      return await this.result;
    } finally {
      clearTimeout(timeout);
    }
  }
}
