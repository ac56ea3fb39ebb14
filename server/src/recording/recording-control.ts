import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type RecordingStateEvent, type UserDto } from '@minimeet/shared';
import type { Repository } from 'typeorm';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { RoomSessionService } from '../realtime/room-session.service.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomRecordingFlags } from '../rooms/room-recording-flags.js';
import { RecordingCaptures } from './recording-captures.js';
import { RecordingProcessor } from './recording-processor.js';
import { Recording } from './recording.entity.js';

/** While this node records, its free disk space is checked this often. */
const DISK_CHECK_MS = 5_000;

/**
 * Starting and stopping recordings. The recordings table is the shared truth (one row in state
 * 'recording' per room: the lowest id wins a race); every start and stop reaches every process
 * (`recordingChange`: RoomRecordingFlags, and the capturing node finishes a stopped recording
 * wherever the stop came from) and the room's sockets (`recordingState`).
 */
@Injectable()
export class RecordingControl implements OnModuleInit, OnModuleDestroy {
  readonly #log: Logger;
  #starting = 0;
  readonly #off: Array<() => void> = [];
  #diskTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(Recording) private readonly recordings: Repository<Recording>,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomRecordingFlags) private readonly flags: RoomRecordingFlags,
    @Inject(RecordingCaptures) private readonly captures: RecordingCaptures,
    @Inject(RecordingProcessor) private readonly processor: RecordingProcessor,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(RoomSessionService) private readonly sessions: RoomSessionService,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.#log = logger.child({ context: 'recording' });
  }

  async onModuleInit(): Promise<void> {
    this.#off.push(
      this.realtime.onEveryProcess('recordingChange', (state) =>
        this.#applied(state).catch((err: unknown) => this.#log.error({ err, ...state }, 'applying a recording change failed')),
      ),
      // Who joins later learns it from the join answer (then recordingState keeps it current).
      this.sessions.registerJoinContributor(({ room }) => Promise.resolve({ recording: this.flags.stateOf(room.id) })),
    );
    for (const row of await this.recordings.find({ where: { state: 'recording' } })) this.flags.set(stateOf(row));
    this.#diskTimer = setInterval(() => void this.#checkDisk(), DISK_CHECK_MS);
    this.#diskTimer.unref();
  }

  onModuleDestroy(): void {
    for (const off of this.#off.splice(0)) off();
    clearInterval(this.#diskTimer);
  }

  /** Moderators only (FORBIDDEN), in the room (NOT_IN_ROOM); CONFLICT, LIMIT_EXCEEDED, STORAGE_FULL. */
  async start(user: UserDto, roomId: number, callerInRoom: boolean): Promise<RecordingStateEvent> {
    const room = await this.access.requireModerator(roomId, user);
    if (!callerInRoom) throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} first`);
    if (await this.#running(room.id)) throw new AppError(ErrorCode.CONFLICT, 'This call is already being recorded');
    const cap = this.config.recording.maxPerNode;
    if (this.captures.count + this.#starting >= cap) {
      throw new AppError(ErrorCode.LIMIT_EXCEEDED, `This server records at most ${cap} calls at once; try again later`);
    }
    this.#starting++;
    try {
      const free = await this.captures.files.freeBytes();
      if (free < this.config.recording.minFreeBytes) {
        throw new AppError(ErrorCode.STORAGE_FULL, 'Not enough free disk space on this server to record');
      }
      const row = await this.recordings.save(
        this.recordings.create({
          roomId: room.id,
          state: 'recording',
          startedAt: new Date(),
          stoppedAt: null,
          durationMs: 0,
          sizeBytes: 0,
          startedById: user.id,
          startedByName: user.username,
          nodeId: this.nodes.self.id,
          error: null,
          compositeFile: null,
          compositeType: null,
          tracks: [],
        }),
      );
      const first = await this.#running(room.id);
      if (first && first.id !== row.id) {
        await this.recordings.delete({ id: row.id });
        throw new AppError(ErrorCode.CONFLICT, 'This call is already being recorded');
      }
      try {
        await this.captures.start(row.id, room.id, row.startedAt, () =>
          this.stopLocally(row.id, 'the call ended on the recording node').catch((err: unknown) =>
            this.#log.error({ err, recordingId: row.id }, 'stopping a recording whose call ended failed'),
          ),
        );
      } catch (err) {
        this.#log.error({ err, recordingId: row.id, roomId }, 'recording capture did not start');
        await this.captures.stop(row.id, new Date()).catch(() => undefined);
        await this.recordings.update({ id: row.id }, { state: 'failed', error: 'capture did not start', stoppedAt: new Date() });
        throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Recording could not start on this server');
      }
      const state = stateOf(row);
      await this.announce(state);
      this.#log.info({ recordingId: row.id, roomId, byUserId: user.id }, 'recording started');
      return state;
    } finally {
      this.#starting--;
    }
  }

  /** Moderators only; CONFLICT when the call is not being recorded. */
  async stop(user: UserDto, roomId: number, callerInRoom: boolean): Promise<RecordingStateEvent> {
    const room = await this.access.requireModerator(roomId, user);
    if (!callerInRoom) throw new AppError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} first`);
    const row = await this.#running(room.id);
    const state = row && (await this.#end(row));
    if (!state) throw new AppError(ErrorCode.CONFLICT, 'This call is not being recorded');
    this.#log.info({ recordingId: row.id, roomId, byUserId: user.id }, 'recording stopped');
    return state;
  }

  /** The server stops a recording it captures (disk low, the call ended here); what was written is kept. */
  async stopLocally(recordingId: number, why: string): Promise<void> {
    const row = await this.recordings.findOneBy({ id: recordingId });
    if (row?.state === 'recording' && (await this.#end(row))) {
      this.#log.warn({ recordingId, roomId: row.roomId, why }, 'recording stopped by the server');
      return;
    }
    if (!row) {
      // Deleted under the capture (its room was deleted): nothing to keep.
      await this.captures.stop(recordingId, new Date()).catch(() => undefined);
      await this.captures.files.remove(recordingId);
    }
  }

  /** Capture pids by track of a recording running on this node (tests kill one). */
  capturePids(recordingId: number): Map<string, number> {
    return this.captures.pids(recordingId);
  }

  /** 'recording' → 'processing' (once: a concurrent stop gets undefined), then everyone is told. */
  async #end(row: Recording): Promise<RecordingStateEvent | undefined> {
    const stoppedAt = new Date();
    const durationMs = Math.max(0, stoppedAt.getTime() - row.startedAt.getTime());
    const done = await this.recordings.update({ id: row.id, state: 'recording' }, { state: 'processing', stoppedAt, durationMs });
    if (!done.affected) return undefined;
    const state = stoppedState(row);
    await this.announce(state);
    return state;
  }

  /** To every process (`recordingChange`) and to every socket in the room (`recordingState`). */
  async announce(state: RecordingStateEvent): Promise<void> {
    await this.realtime.everyProcess('recordingChange', state);
    this.realtime.emitToRoom(state.roomId, 'recordingState', state);
  }

  /** Every process: the flag; the capturing one finishes a stopped recording. */
  async #applied(state: RecordingStateEvent): Promise<void> {
    this.flags.set(state);
    const id = state.recordingId;
    if (state.recording || id === null || !this.captures.has(id)) return;
    const row = await this.recordings.findOneBy({ id });
    const manifest = await this.captures.stop(id, row?.stoppedAt ?? new Date());
    if (manifest && row) this.processor.enqueue(this.captures.files, manifest);
  }

  #running(roomId: number): Promise<Recording | null> {
    return this.recordings.findOne({ where: { roomId, state: 'recording' }, order: { id: 'ASC' } });
  }

  async #checkDisk(): Promise<void> {
    if (this.captures.count === 0) return;
    try {
      if ((await this.captures.files.freeBytes()) >= this.config.recording.minFreeBytes) return;
      for (const id of this.captures.ids()) await this.stopLocally(id, 'free disk space below RECORDING_MIN_FREE_BYTES');
    } catch (err) {
      this.#log.warn({ err }, 'free disk space check failed');
    }
  }
}

export function stoppedState(row: Recording): RecordingStateEvent {
  return { roomId: row.roomId, recording: false, recordingId: row.id, startedAt: null, by: null };
}

export function stateOf(row: Recording): RecordingStateEvent {
  return {
    roomId: row.roomId,
    recording: row.state === 'recording',
    recordingId: row.id,
    startedAt: row.state === 'recording' ? row.startedAt.toISOString() : null,
    by: row.state === 'recording' ? { userId: row.startedById, username: row.startedByName } : null,
  };
}
