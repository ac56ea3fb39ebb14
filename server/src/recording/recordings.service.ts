import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type RecordingDownloadQuery, type RecordingDto, type UserDto } from '@minimeet/shared';
import type { Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import type { Room } from '../rooms/room.entity.js';
import { isModerator, RoomsService } from '../rooms/rooms.service.js';
import { OBJECT_STORAGE, type ObjectStorage, type StoredObject } from '../storage/object-storage.js';
import { RecordingFiles } from './recording-files.js';
import { contentTypeOf } from './recording-processor.js';
import { Recording, recordingPrefix } from './recording.entity.js';
import { RecordingCaptures } from './recording-captures.js';

export interface RecordingDownload {
  object: StoredObject;
  contentType: string;
  fileName: string;
}

function notFound(): AppError {
  return new AppError(ErrorCode.NOT_FOUND, 'Recording not found');
}

/** Listing, reading, downloading and deleting recordings (REST), with the room's access rules. */
@Injectable()
export class RecordingsService {
  readonly #files: RecordingFiles;

  constructor(
    @InjectRepository(Recording) private readonly recordings: Repository<Recording>,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    @Inject(RecordingCaptures) captures: RecordingCaptures,
  ) {
    this.#files = captures.files;
  }

  /** Newest first. A hidden room is NOT_FOUND; a visible one the caller may not read FORBIDDEN. */
  async list(user: UserDto, roomId: number): Promise<RecordingDto[]> {
    const room = await this.access.requireVisible(roomId, user);
    await this.#assertReader(room, user, () => new AppError(ErrorCode.FORBIDDEN, 'Only the room’s moderators may see its recordings'));
    const rows = await this.recordings.find({ where: { roomId: room.id }, order: { id: 'DESC' } });
    return rows.map(toDto);
  }

  async get(user: UserDto, id: number): Promise<RecordingDto> {
    return toDto(await this.#readable(user, id));
  }

  /** The composite, or one track's segment (`?track=&segment=`); CONFLICT until ready. */
  async open(user: UserDto, id: number, query: RecordingDownloadQuery): Promise<RecordingDownload> {
    const row = await this.#readable(user, id);
    if (row.state !== 'ready' || !row.compositeFile) {
      throw new AppError(ErrorCode.CONFLICT, `The recording is ${row.state}, not ready for download`);
    }
    let file = row.compositeFile;
    let contentType = row.compositeType ?? 'video/webm';
    let fileName = `recording-${row.id}${extensionOf(file)}`;
    if (query.track !== undefined) {
      const track = row.tracks.find((t) => t.id === query.track);
      if (!track) throw new AppError(ErrorCode.NOT_FOUND, 'No such track in this recording');
      const index = query.segment ?? 0;
      const segment = track.segments[index];
      if (!segment) throw new AppError(ErrorCode.NOT_FOUND, `Track ${track.id} has ${track.segments.length} segment(s)`);
      file = segment.file;
      contentType = contentTypeOf(file, track.kind);
      fileName = `recording-${row.id}-${track.username}-${track.kind}-${index}${extensionOf(file)}`;
    }
    const object = await this.storage.get(`${recordingPrefix(row.id)}${file}`);
    if (!object) throw new AppError(ErrorCode.NOT_FOUND, 'The recording’s file is missing from storage');
    return { object, contentType, fileName };
  }

  /** Moderators only; CONFLICT while it is being recorded or processed. */
  async delete(user: UserDto, id: number): Promise<void> {
    const row = await this.recordings.findOneBy({ id });
    if (!row) throw notFound();
    const room = await this.access.requireVisible(row.roomId, user).catch(() => {
      throw notFound();
    });
    if (!isModerator(room, user)) throw new AppError(ErrorCode.FORBIDDEN, 'Only the room owner or an admin can do this');
    if (row.state === 'recording' || row.state === 'processing') {
      throw new AppError(ErrorCode.CONFLICT, `The recording is ${row.state}; stop it and wait until it is ready`);
    }
    await this.remove([row.id]);
  }

  /** Rows first (downloads stop at once), then stored bytes and any local files. */
  async remove(ids: number[]): Promise<void> {
    if (!ids.length) return;
    for (const id of ids) {
      await this.recordings.delete({ id });
      await this.storage.deleteByPrefix(recordingPrefix(id));
      await this.#files.remove(id);
    }
  }

  async #readable(user: UserDto, id: number): Promise<Recording> {
    const row = await this.recordings.findOneBy({ id });
    if (!row) throw notFound();
    // A recording of a room the caller cannot see, or may not read, looks missing.
    const room = await this.access.requireVisible(row.roomId, user).catch(() => {
      throw notFound();
    });
    await this.#assertReader(room, user, notFound);
    return row;
  }

  async #assertReader(room: Room, user: UserDto, refuse: () => AppError): Promise<void> {
    if (isModerator(room, user)) return;
    if ((room.recordingAccess ?? 'moderators') === 'members' && (await this.rooms.isMember(room.id, user.id))) return;
    throw refuse();
  }
}

function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot >= 0 ? file.slice(dot) : '';
}

export function toDto(row: Recording): RecordingDto {
  return {
    id: row.id,
    roomId: row.roomId,
    state: row.state,
    startedAt: row.startedAt.toISOString(),
    stoppedAt: row.stoppedAt ? row.stoppedAt.toISOString() : null,
    durationMs: row.durationMs,
    sizeBytes: row.sizeBytes,
    startedBy: { userId: row.startedById, username: row.startedByName },
    error: row.error,
    tracks: row.tracks.map((t) => ({
      id: t.id,
      userId: t.userId,
      username: t.username,
      kind: t.kind,
      segments: t.segments.length,
      startOffsetMs: t.segments[0]?.startMs ?? 0,
      durationMs: t.segments.reduce((sum, s) => sum + (s.durationMs ?? 0), 0),
      sizeBytes: t.segments.reduce((sum, s) => sum + s.sizeBytes, 0),
    })),
  };
}
