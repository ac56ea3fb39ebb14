/**
 * Entry of a forked bot process (see group-handle.ts): runs one BotGroup and talks to the parent
 * over IPC. Parent → worker: start, chat, stop. Worker → parent: status (every second), settled,
 * result, fatal.
 */
import { BotGroup, type GroupConfig } from './bot-group.js';
import type { ParentMessage, WorkerMessage } from './group-handle.js';

let group: BotGroup | undefined;
let statusTimer: NodeJS.Timeout | undefined;

const send = (m: WorkerMessage) => process.send?.(m);

process.on('message', (raw: ParentMessage) => {
  void handle(raw).catch((err: unknown) => {
    send({ type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});
// The parent went away (crash): do not linger with open peers.
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the parent decides when to stop, and asks for the
// results first, so the report is still written.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

async function handle(m: ParentMessage): Promise<void> {
  if (m.type === 'start') {
    group = new BotGroup(m.config as GroupConfig);
    statusTimer = setInterval(() => group && send({ type: 'status', status: group.status() }), 1000);
    void group.settled.then(() => send({ type: 'settled' }));
  } else if (m.type === 'chat') {
    group?.startChat();
  } else if (m.type === 'stop') {
    clearInterval(statusTimer);
    if (!group) return;
    const result = await group.stop();
    send({ type: 'status', status: group.status() });
    send({ type: 'result', result });
    process.disconnect?.();
  }
}
