import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Not, type Repository } from 'typeorm';
import { NODE_REGISTRY, type ClusterNodeInfo, type NodeRegistry } from '../cluster/node-registry.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RoomEvents } from '../rooms/room-events.js';
import { RecordingCaptures } from './recording-captures.js';
import { RecordingControl, stoppedState } from './recording-control.js';
import { RecordingProcessor } from './recording-processor.js';
import { Recording } from './recording.entity.js';
import { RecordingsService } from './recordings.service.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** One node sweeps a dead node's recordings. */
const SWEEP_CLAIM_MS = 60_000;
/** Why a recording whose node died is failed (its node finishes it from its files when it starts again). */
export const NODE_DOWN_ERROR = 'the recording server went down; finished from what it wrote when it starts again';

/**
 * Recordings outliving their capture: a node that died mid-recording (another node marks them
 * failed; the node itself, when it starts again, finishes them from manifest.json and the
 * segments it wrote), retention (RECORDING_RETENTION_DAYS, hourly) and deleted rooms.
 */
@Injectable()
export class RecordingsMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  readonly #log: Logger;
  readonly #off: Array<() => void> = [];
  readonly #running = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(Recording) private readonly recordings: Repository<Recording>,
    @Inject(RecordingsService) private readonly service: RecordingsService,
    @Inject(RecordingCaptures) private readonly captures: RecordingCaptures,
    @Inject(RecordingProcessor) private readonly processor: RecordingProcessor,
    @Inject(RecordingControl) private readonly control: RecordingControl,
    @Inject(RoomEvents) private readonly events: RoomEvents,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.#log = logger.child({ context: 'recording-maintenance' });
  }

  onApplicationBootstrap(): void {
    this.#off.push(
      this.events.onRoomDeleted(({ roomId }) => this.#track(this.deleteRoom(roomId), 'deleting a room’s recordings')),
      this.nodes.onNodeDown((node) => this.#track(this.sweepDeadNode(node), 'sweeping a dead node’s recordings')),
    );
    this.#timer = setInterval(() => this.#track(this.applyRetention(), 'recording retention'), HOUR_MS);
    this.#timer.unref();
    this.#track(this.recoverLocal().then(() => this.applyRetention()), 'recovering recordings at start');
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.#off.splice(0)) off();
    clearInterval(this.#timer);
    await Promise.all(this.#running);
    this.processor.stopAll();
    await this.processor.idle();
  }

  /** The files this node left (it stopped or died while recording or processing) are finished now. */
  async recoverLocal(): Promise<void> {
    for (const id of await this.captures.files.localIds()) {
      if (this.captures.has(id)) continue;
      const row = await this.recordings.findOneBy({ id });
      // Nodes sharing one data directory: another node's recording is that node's to finish.
      if (row && row.nodeId !== this.nodes.self.id) continue;
      const unfinished =
        row && (row.state === 'recording' || row.state === 'processing' || (row.state === 'failed' && row.error === NODE_DOWN_ERROR));
      if (!row || row.state === 'ready') {
        await this.captures.files.remove(id);
        continue;
      }
      if (!unfinished) continue; // failed while processing: files kept for an operator
      const manifest = await this.captures.files.readManifest(id);
      if (!manifest) {
        await this.recordings.update({ id }, { state: 'failed', error: 'nothing usable was written (no manifest)' });
        continue;
      }
      // Stopped by a user: that moment; cut short by a crash: as far as the files go (the processor extends it).
      const stoppedAt = row.state === 'processing' && row.stoppedAt ? row.stoppedAt : new Date(row.startedAt.getTime() + manifest.durationMs);
      const durationMs = Math.max(0, stoppedAt.getTime() - row.startedAt.getTime());
      await this.recordings.update({ id }, { state: 'processing', stoppedAt, durationMs, error: null });
      if (row.state === 'failed') this.#log.info({ recordingId: id }, 'a recording failed with this node is finished after all');
      if (row.state === 'recording') await this.control.announce(stoppedState(row));
      this.#log.warn({ recordingId: id }, 'finishing a recording this node left unfinished');
      this.processor.enqueue(this.captures.files, { ...manifest, durationMs });
    }
    // Rows this node owned that left no files at all.
    const orphans = await this.recordings.find({ where: { nodeId: this.nodes.self.id, state: In(['recording', 'processing']) } });
    for (const row of orphans) {
      if (this.captures.has(row.id) || (await this.captures.files.readManifest(row.id))) continue;
      await this.#fail(row, 'the recording server stopped and nothing usable was written');
    }
  }

  /** Another node died: its running recordings stop for everyone (its own next start finishes them). */
  async sweepDeadNode(node: ClusterNodeInfo): Promise<void> {
    // Back already (a new boot): the node finishes its own recordings.
    if (node.id === this.nodes.self.id || this.nodes.isAlive(node.id)) return;
    if (!(await this.nodes.claimOnce(`recordings-sweep:${node.id}:${node.bootId}`, SWEEP_CLAIM_MS))) return;
    const rows = await this.recordings.find({ where: { nodeId: node.id, state: In(['recording', 'processing']) } });
    for (const row of rows) await this.#fail(row, NODE_DOWN_ERROR);
  }

  async applyRetention(): Promise<void> {
    const days = this.config.recording.retentionDays;
    if (days === 0) return;
    const old = await this.recordings.find({
      where: { startedAt: LessThan(new Date(Date.now() - days * DAY_MS)), state: Not(In(['recording', 'processing'])) },
      select: { id: true },
      take: 500,
    });
    await this.service.remove(old.map((r) => r.id));
    if (old.length) this.#log.info({ deleted: old.length, retentionDays: days }, 'old recordings deleted');
  }

  /** A deleted room's recordings go (a running capture stops when the room's media closes). */
  async deleteRoom(roomId: number): Promise<void> {
    const rows = await this.recordings.find({ where: { roomId }, select: { id: true } });
    await this.service.remove(rows.map((r) => r.id));
  }

  async #fail(row: Recording, error: string): Promise<void> {
    const done = await this.recordings.update(
      { id: row.id, state: row.state },
      { state: 'failed', error, stoppedAt: row.stoppedAt ?? new Date() },
    );
    if (done.affected && row.state === 'recording') await this.control.announce(stoppedState(row));
  }

  #track(run: Promise<unknown>, what: string): void {
    const tracked = run.catch((err: unknown) => this.#log.error({ err }, `${what} failed`)).finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }
}
