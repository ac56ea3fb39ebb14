/**
 * Pre-encoded synthetic media for the werift peer: a 4 s VP8 IVF clip (testsrc2, 320x240 @ 15 fps,
 * 250 kbit/s, keyframe every 2 s) and a 4 s Opus-in-Ogg clip (440 Hz, 32 kbit/s, 20 ms frames),
 * committed in ../media (≈140 KB) so no machine needs ffmpeg. `npm run peer:clips -w scripts`
 * regenerates them with Debian's ffmpeg (lavfi test sources; nothing is downloaded).
 * They are looped as RTP with werift's packetizers: the peer never encodes or decodes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpusPacketizer, serializeAudioLevelIndication, Vp8Packetizer, type RtpPacket } from 'werift';

/** RFC 6464 client-to-mixer audio level, which the SFU's audio level observer reads. */
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export const MEDIA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../media');
export const VIDEO_CLIP = 'vp8-320x240-15fps.ivf';
export const AUDIO_CLIP = 'opus-32k.ogg';
export const CLIP_FPS = 15;

/** Regenerates the committed clips with ffmpeg (maintainers only). */
export function generateClips(dir = MEDIA_DIR): void {
  mkdirSync(dir, { recursive: true });
  const ff = (args: string[]) =>
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
  // keyframe every 2 s; no alt-ref/lag so every frame is a displayable frame
  ff(
    `-f lavfi -i testsrc2=size=320x240:rate=${CLIP_FPS} -t 4 -c:v libvpx -b:v 250k -minrate 250k -maxrate 250k -g ${CLIP_FPS * 2} -deadline realtime -cpu-used 8 -auto-alt-ref 0 -lag-in-frames 0`
      .split(' ')
      .concat(path.join(dir, VIDEO_CLIP)),
  );
  ff(
    '-f lavfi -i sine=frequency=440:sample_rate=48000 -t 4 -c:a libopus -b:a 32k -frame_duration 20 -application voip -ac 1'
      .split(' ')
      .concat(path.join(dir, AUDIO_CLIP)),
  );
}

/** IVF: 32-byte file header, then [u32le size][u64le pts][frame] records. */
export function readIvfFrames(file: string): Buffer[] {
  const buf = readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'DKIF') throw new Error(`${file}: not IVF`);
  const frames: Buffer[] = [];
  let off = buf.readUInt16LE(6);
  while (off + 12 <= buf.length) {
    const size = buf.readUInt32LE(off);
    frames.push(buf.subarray(off + 12, off + 12 + size));
    off += 12 + size;
  }
  return frames;
}

/** Ogg: reassemble packets from lacing values; drop OpusHead/OpusTags. */
export function readOggOpusPackets(file: string): Buffer[] {
  const buf = readFileSync(file);
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let off = 0;
  while (off + 27 <= buf.length && buf.toString('ascii', off, off + 4) === 'OggS') {
    const nseg = buf.readUInt8(off + 26);
    const table = buf.subarray(off + 27, off + 27 + nseg);
    let p = off + 27 + nseg;
    for (const lace of table) {
      pending.push(buf.subarray(p, p + lace));
      p += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    off = p;
  }
  return packets.filter((pkt) => {
    const magic = pkt.toString('ascii', 0, 8);
    return magic !== 'OpusHead' && magic !== 'OpusTags';
  });
}

/** Something with werift's MediaStreamTrack.writeRtp(). */
export interface RtpSink {
  writeRtp(rtp: RtpPacket | Buffer): void;
}

export interface Clips {
  frames: Buffer[];
  opus: Buffer[];
  fps: number;
}

let cache: Clips | undefined;
/** Loads the committed clips once per process (shared by every peer). */
export function loadClips(dir = MEDIA_DIR): Clips {
  cache ??= {
    frames: readIvfFrames(path.join(dir, VIDEO_CLIP)),
    opus: readOggOpusPackets(path.join(dir, AUDIO_CLIP)),
    fps: CLIP_FPS,
  };
  return cache;
}

/**
 * Loops the clips into sinks in real time: one VP8 frame every 1/fps s (90 kHz clock), one
 * 20 ms Opus packet every 20 ms (48 kHz). werift's RTCRtpSender rewrites SSRC / payload type.
 * Sinks can be swapped (after a media reset) without restarting the clock.
 */
/** How far under the syllables a speech-like level falls between them. */
const SPEECH_PAUSE_DB = 40;

export class ClipPlayer {
  private timers: NodeJS.Timeout[] = [];
  private readonly vp8 = new Vp8Packetizer({ maxPayloadSize: 1100 });
  private readonly opusPacketizer = new OpusPacketizer();
  private readonly keyframes: number[];
  private videoIndex = 0;
  video: RtpSink | undefined;
  audio: RtpSink | undefined;
  sentPackets = 0;
  keyframeRequests = 0;
  /**
   * False while the SFU says nobody consumes the camera (`producerLayersWanted` null): no video is
   * sent, as a browser whose simulcast encodings are all disabled (werift ignores `active`).
   */
  videoWanted = true;
  /**
   * The level (dBov, -127 silent..0 loudest) each audio packet announces in its RFC 6464 header
   * extension, once `audioLevelExtensionId` is negotiated: tests make a peer speak up or fall
   * silent for the SFU's loudest-speaker ranking without decoding anything.
   */
  audioLevelDbov = -127;
  /**
   * Announce the level like speech: 200 ms syllables at `audioLevelDbov`, 200 ms pauses 40 dB
   * under. The router's ActiveSpeakerObserver takes a steady level for the noise floor (it never
   * names a steady tone dominant); the loudest ranking (AudioLevelObserver) hears either.
   */
  speechLike = false;
  /** The negotiated id of the audio level extension (undefined: none sent). */
  audioLevelExtensionId: number | undefined;

  constructor(private readonly clips: Clips) {
    // VP8 frame tag bit 0 (P) is 0 on keyframes (RFC 6386 9.1).
    this.keyframes = clips.frames.flatMap((f, i) => ((f[0]! & 0x01) === 0 ? [i] : []));
  }

  /** On PLI/FIR from the SFU: jump to the next keyframe of the clip. */
  requestKeyframe(): void {
    this.keyframeRequests++;
    const n = this.clips.frames.length;
    const pos = this.videoIndex % n;
    const next = this.keyframes.find((k) => k >= pos) ?? this.keyframes[0]!;
    this.videoIndex += (next - pos + n) % n;
  }

  start(): void {
    if (this.timers.length) return;
    const { frames, opus, fps } = this.clips;
    let vts = Math.floor(Math.random() * 2 ** 31);
    const vstep = Math.round(90000 / fps);
    this.timers.push(
      setInterval(() => {
        const frame = frames[this.videoIndex++ % frames.length]!;
        const sink = this.video;
        if (sink && this.videoWanted) {
          for (const pkt of this.vp8.packetize(frame, vts)) {
            sink.writeRtp(pkt);
            this.sentPackets++;
          }
        }
        vts = (vts + vstep) >>> 0;
      }, 1000 / fps),
    );
    let ai = 0;
    let ats = Math.floor(Math.random() * 2 ** 31);
    this.timers.push(
      setInterval(() => {
        const pkt = this.opusPacketizer.packetize(opus[ai++ % opus.length]!, ats)[0]!;
        if (this.audioLevelExtensionId !== undefined) {
          const pause = this.speechLike && Math.floor(ai / 10) % 2 === 1;
          const dbov = pause ? this.audioLevelDbov - SPEECH_PAUSE_DB : this.audioLevelDbov;
          const level = Math.min(127, Math.max(0, Math.round(-dbov)));
          pkt.header.extensions = [
            { id: this.audioLevelExtensionId, payload: Buffer.from(serializeAudioLevelIndication(level)) },
          ];
        }
        if (this.audio) {
          this.audio.writeRtp(pkt);
          this.sentPackets++;
        }
        ats = (ats + 960) >>> 0;
      }, 20),
    );
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
