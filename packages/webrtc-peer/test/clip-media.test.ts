import { describe, expect, it } from 'vitest';
import { ClipPlayer, loadClips, type RtpSink } from '../src/clip-media.js';

describe('committed synthetic clips', () => {
  it('parse into VP8 frames with keyframes and 20 ms Opus packets', () => {
    const clips = loadClips();
    expect(clips.frames.length).toBe(4 * clips.fps);
    const keyframes = clips.frames.filter((f) => (f[0]! & 0x01) === 0).length;
    expect(keyframes).toBeGreaterThanOrEqual(2);
    expect(clips.opus.length).toBeGreaterThanOrEqual(199); // 4 s / 20 ms
    for (const pkt of clips.opus) expect(pkt.length).toBeGreaterThan(0);
  });

  it('the player writes RTP at the clip rate and jumps to a keyframe on request', async () => {
    const player = new ClipPlayer(loadClips());
    const video: Array<{ payload: Buffer }> = [];
    let audio = 0;
    player.video = { writeRtp: (p) => void video.push(p as unknown as { payload: Buffer }) } as RtpSink;
    player.audio = { writeRtp: () => void audio++ } as RtpSink;
    player.start();
    await new Promise((r) => setTimeout(r, 500));
    player.requestKeyframe();
    await new Promise((r) => setTimeout(r, 300));
    player.stop();
    expect(audio).toBeGreaterThan(15);
    expect(video.length).toBeGreaterThan(5);
    expect(player.keyframeRequests).toBe(1);
  });
});
