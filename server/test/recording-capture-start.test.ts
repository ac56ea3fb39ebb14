/**
 * A capture process that fails as it starts (its port taken by another process between the pick
 * and its bind, say) must not cost the track: it is started again. FFMPEG_PATH points at a wrapper
 * that makes the first capture starts fail the way ffmpeg does when its port is taken.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { closeAllSockets, createRoom, registerUser, sleep } from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { HEARD_DB, meanVolumeDb } from './helpers/media-checks.js';
import { downloadRecording, probeBytes, recordedPeer, waitForRecording } from './helpers/recording-client.js';

/** Capture starts that fail: more than one start's own retries, so the track's retry is needed too. */
const FAILING_STARTS = 4;

describe('recording: a capture process that fails to start (sqlite)', () => {
  let target: ChatTarget;
  let dataDir: string;
  const peers: MiniMeetPeer[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'minimeet-rec-start-'));
    // The server finds ffprobe beside ffmpeg: both wrapped, in a directory of their own.
    const bin = path.join(dataDir, 'bin');
    await mkdir(bin);
    const wrapper = path.join(bin, 'ffmpeg');
    const counter = path.join(dataDir, 'capture-starts');
    // Only capture processes (RTP described by an SDP on stdin) count; composites run ffmpeg as is.
    await writeFile(
      wrapper,
      `#!/bin/sh
case " $* " in
  *" -f sdp "*)
    n=$(cat '${counter}' 2>/dev/null || echo 0)
    echo $((n + 1)) > '${counter}'
    if [ "$n" -lt ${FAILING_STARTS} ]; then
      echo "[udp @ 0x0] bind failed: Address already in use" >&2
      exit 1
    fi ;;
esac
exec ffmpeg "$@"
`,
    );
    await writeFile(path.join(bin, 'ffprobe'), '#!/bin/sh\nexec ffprobe "$@"\n');
    for (const tool of ['ffmpeg', 'ffprobe']) await chmod(path.join(bin, tool), 0o755);
    target = await startChatTarget('sqlite', { DATA_DIR: dataDir, FFMPEG_PATH: wrapper, LOG_LEVEL: 'info' });
  }, 60_000);

  afterAll(async () => {
    for (const p of peers) await p.close();
    closeAllSockets();
    await target?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts it again: the microphone is recorded, and the failed starts are logged', async () => {
    const owner = await registerUser(target.url, 'startowner');
    const room = await createRoom(target.url, owner.accessToken, 'failing starts');
    const host = recordedPeer(target.url, room.id, { token: owner.accessToken }, { video: false });
    peers.push(host);
    await host.start();
    const { recordingId } = await host.request('startRecording', { roomId: room.id });
    await sleep(4000);
    await host.request('stopRecording', { roomId: room.id });

    const ready = await waitForRecording(target.url, owner.accessToken, recordingId!, 'ready');
    const mic = ready.tracks.find((t) => t.id === `u${owner.user.id}-mic`);
    expect(mic, JSON.stringify(ready)).toMatchObject({ segments: 1 });
    expect(mic!.durationMs).toBeGreaterThan(1500);
    const file = await downloadRecording(target.url, owner.accessToken, recordingId!, `?track=${mic!.id}`);
    const saved = path.join(dataDir, 'mic.webm');
    expect((await probeBytes(saved, file.bytes)).streams.map((s) => s.codec_name)).toEqual(['opus']);
    expect(await meanVolumeDb(saved, 0.2, 1)).toBeGreaterThan(HEARD_DB);

    const warned = (msg: string) => target.server.logLines().filter((l) => l.msg === msg).length;
    expect(warned('capture process exited at start, started again')).toBe(FAILING_STARTS - 1);
    expect(warned('recording segment failed to start')).toBe(1);
  }, 60_000);
});
