import { Injectable } from '@nestjs/common';
import type { RecordingStateEvent } from '@minimeet/shared';

/**
 * This node's view of which rooms are being recorded now (RoomDto.recording, the join answer).
 * Fed by the recording module: from the database at boot and by every start and stop, which
 * reach every node (RealtimeServer.everyProcess). The shared truth is the recordings table.
 */
@Injectable()
export class RoomRecordingFlags {
  readonly #states = new Map<number, RecordingStateEvent>();

  set(state: RecordingStateEvent): void {
    if (state.recording) this.#states.set(state.roomId, state);
    else this.#states.delete(state.roomId);
  }

  isRecording(roomId: number): boolean {
    return this.#states.has(roomId);
  }

  /** The running recording's state, else "not recording". */
  stateOf(roomId: number): RecordingStateEvent {
    return this.#states.get(roomId) ?? { roomId, recording: false, recordingId: null, startedAt: null, by: null };
  }
}
