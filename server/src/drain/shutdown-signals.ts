import type { INestApplication } from '@nestjs/common';
import type { Logger } from '../logging/logger.js';
import { closeApp } from './close-app.js';
import { DrainService } from './drain.service.js';

/**
 * SIGTERM / SIGINT stop the node gracefully: drain (DrainService: clients move to other nodes,
 * up to SHUTDOWN_GRACE_MS; 0 skips it), close the app (closeApp: every module's shutdown hooks,
 * bounded), exit 0.
 * A second signal cuts the drain short. The other termination signals: see closeOnOtherSignals.
 */
export function stopGracefullyOnSignals(app: INestApplication, graceMs: number, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const drains = app.get(DrainService);
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping now');
      drains.cutShort();
      return;
    }
    stopping = true;
    void (async () => {
      try {
        if (graceMs > 0) await drains.drain(signal);
        await closeApp(app, log);
        log.info({ signal }, 'minimeet stopped');
        process.exit(0);
      } catch (err) {
        log.error({ err, signal }, 'graceful stop failed');
        process.exit(1);
      }
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Termination signals other than SIGTERM / SIGINT (a terminal hanging up, SIGQUIT, a supervisor's
 * SIGUSR2 …): close at once without draining, bounded like any close (closeApp), then end by the
 * same signal so whoever sent it sees it. Replaces Nest's `enableShutdownHooks`, whose close had
 * no bound: a kept-alive connection could keep the node from ever exiting.
 */
export function closeOnOtherSignals(app: INestApplication, log: Logger): void {
  let closing = false;
  const signals: NodeJS.Signals[] = ['SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGABRT'];
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    void (async () => {
      try {
        await closeApp(app, log);
        log.info({ signal }, 'minimeet stopped');
      } catch (err) {
        log.error({ err, signal }, 'stop failed');
      }
      for (const s of signals) process.removeListener(s, onSignal);
      process.kill(process.pid, signal);
    })();
  };
  for (const signal of signals) process.on(signal, onSignal);
}
