import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, type ValueTransformer } from 'typeorm';
import type { RecordingStatus, RecordingTrackKind } from '@minimeet/shared';
import { Room } from '../rooms/room.entity.js';

/** One stored file of a track (`file` relative to the recording's directory and storage prefix). */
export interface StoredSegment {
  file: string;
  startMs: number;
  durationMs: number | null;
  sizeBytes: number;
}

/** A captured track as kept in the `tracks` column (RecordingTrackDto plus its files). */
export interface StoredTrack {
  id: string;
  userId: number;
  username: string;
  kind: RecordingTrackKind;
  mimeType: string;
  segments: StoredSegment[];
}

const json: ValueTransformer = {
  to: (value: StoredTrack[] | undefined) => JSON.stringify(value ?? []),
  from: (value: string | null) => (value ? (JSON.parse(value) as StoredTrack[]) : []),
};

/** BIGINT comes back from MariaDB as a string. */
const bigint: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? 0 : Number(value)),
};

/**
 * A recording of a room's call: captured on `nodeId` while `state` is 'recording', then
 * processed (composite built, files uploaded to storage under `recordings/<id>/`). Rows go
 * with the room (RecordingsCleanup: rooms are soft-deleted) and after RECORDING_RETENTION_DAYS.
 */
@Entity({ name: 'recordings' })
export class Recording {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  roomId: number;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'roomId' })
  room: Relation<Room>;

  @Column({ type: 'varchar', length: 16 })
  state: RecordingStatus;

  @Column({ type: 'datetime' })
  startedAt: Date;

  @Column({ type: 'datetime', nullable: true })
  stoppedAt: Date | null;

  @Column({ type: 'int', default: 0 })
  durationMs: number;

  /** The composite file's size (0 until ready). */
  @Column({ type: 'bigint', default: 0, transformer: bigint })
  sizeBytes: number;

  @Column({ type: 'int' })
  startedById: number;

  @Column({ type: 'varchar', length: 64 })
  startedByName: string;

  /** The node capturing it (its files are on that node's disk until processed). */
  @Column({ type: 'varchar', length: 128 })
  nodeId: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  error: string | null;

  /** The composite's name under the recording's prefix, and its type (null until ready). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  compositeFile: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  compositeType: string | null;

  @Column({ type: 'text', transformer: json })
  tracks: StoredTrack[];
}

/** Everything of one recording in storage. */
export function recordingPrefix(id: number): string {
  return `recordings/${id}/`;
}
