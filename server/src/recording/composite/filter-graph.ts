import type { SpeakerChange } from '../recording-manifest.js';
import { FRAME_HEIGHT, FRAME_WIDTH, type CompositeLayout, type Rect } from './layout.js';

/*
 * The ffmpeg filter graph of a composite, built as text (written to a -filter_complex_script
 * file: a long call makes a graph far beyond any command-line limit).
 */

/** One usable segment file, already probed, as ffmpeg input number `input`. */
export interface GraphSegment {
  input: number;
  startMs: number;
  /** Video: the picture size ffprobe saw (the cell picture is scaled to fit it once). */
  width?: number;
  height?: number;
}

export interface GraphCell {
  userId: number;
  /** Absolute path of a file holding the name drawn in the cell (drawtext textfile: no escaping). */
  nameFile: string | null;
  segments: GraphSegment[];
}

export interface GraphInput {
  durationMs: number;
  fps: number;
  layout: CompositeLayout;
  /** Same order as layout.cells. */
  cells: GraphCell[];
  screenSegments: GraphSegment[];
  audioSegments: GraphSegment[];
  speakers: SpeakerChange[];
  /** null: no names drawn (no font on this machine). */
  fontFile: string | null;
}

export const VIDEO_OUT = 'vout';
export const AUDIO_OUT = 'aout';

const BACKGROUND = '0x15171c';
const CELL_BACKGROUND = '0x2a2e37';
const SPEAKER_BORDER = '0x4f9cf9';
const BORDER_PX = 6;

/** A filter option value, quoted for the filtergraph parser. */
const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;
const sec = (ms: number) => (ms / 1000).toFixed(3);

/** Largest even-sized picture of the source's aspect ratio that fits the cell. */
function fitInto(cell: Rect, width = 16, height = 9): { w: number; h: number } {
  const scale = Math.min(cell.w / width, cell.h / height);
  const even = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
  return { w: even(width * scale), h: even(height * scale) };
}

/** Time ranges (seconds) during which `userId` is the active speaker, as an ffmpeg `enable` expression. */
export function speakingExpression(speakers: SpeakerChange[], userId: number, durationMs: number): string | null {
  const ranges: string[] = [];
  speakers.forEach((change, i) => {
    if (change.userId !== userId) return;
    const end = Math.min(speakers[i + 1]?.atMs ?? durationMs, durationMs);
    if (end > change.atMs) ranges.push(`between(t,${sec(change.atMs)},${sec(end)})`);
  });
  return ranges.length ? ranges.join('+') : null;
}

/** Filters placing one video segment's pictures in `area` from its start offset on. */
function placeSegment(seg: GraphSegment, area: Rect, fps: number, base: string, out: string, n: number): string[] {
  const fit = fitInto(area, seg.width, seg.height);
  const x = area.x + Math.floor((area.w - fit.w) / 4) * 2;
  const y = area.y + Math.floor((area.h - fit.h) / 4) * 2;
  const pic = `p${n}`;
  return [
    // Shift onto the timeline, make WebRTC's variable frame rate constant, scale once to the cell.
    `[${seg.input}:v]setpts=PTS-STARTPTS+${sec(seg.startMs)}/TB,fps=${fps},scale=${fit.w}:${fit.h},setsar=1[${pic}]`,
    // Before its first frame and after its last, the cell shows what is underneath (the placeholder).
    `[${base}][${pic}]overlay=x=${x}:y=${y}:eof_action=pass:repeatlast=0[${out}]`,
  ];
}

function videoChains(g: GraphInput): string[] {
  const lines: string[] = [];
  const { layout } = g;
  const boxes = layout.cells.map((c) => `drawbox=x=${c.x + 2}:y=${c.y + 2}:w=${c.w - 4}:h=${c.h - 4}:color=${CELL_BACKGROUND}:t=fill`);
  lines.push(
    [`color=c=${BACKGROUND}:s=${FRAME_WIDTH}x${FRAME_HEIGHT}:r=${g.fps}:d=${sec(g.durationMs)}`, 'format=yuv420p', ...boxes].join(',') +
      '[c0]',
  );
  let current = 'c0';
  let n = 0;
  const place = (seg: GraphSegment, area: Rect) => {
    n += 1;
    const out = `c${n}`;
    lines.push(...placeSegment(seg, area, g.fps, current, out, n));
    current = out;
  };
  if (layout.screen) for (const seg of g.screenSegments) place(seg, layout.screen);
  const cells = g.cells.flatMap((cell, i) => {
    const rect = layout.cells[i];
    return rect ? [{ cell, rect }] : [];
  });
  for (const { cell, rect } of cells) for (const seg of cell.segments) place(seg, rect);
  // Names and the active speaker's border go on top of the pictures.
  const decorations: string[] = [];
  for (const { cell, rect: r } of cells) {
    const speaking = speakingExpression(g.speakers, cell.userId, g.durationMs);
    if (speaking) {
      decorations.push(
        `drawbox=x=${r.x}:y=${r.y}:w=${r.w}:h=${r.h}:color=${SPEAKER_BORDER}:t=${BORDER_PX}:enable=${quote(speaking)}`,
      );
    }
    if (g.fontFile && cell.nameFile) {
      const size = Math.max(12, Math.min(28, Math.round(r.h / 12)));
      decorations.push(
        `drawtext=fontfile=${quote(g.fontFile)}:textfile=${quote(cell.nameFile)}:fontsize=${size}:fontcolor=white` +
          `:box=1:boxcolor=black@0.55:boxborderw=6:x=${r.x + BORDER_PX + 8}:y=${r.y + r.h - BORDER_PX - 8}-th`,
      );
    }
  }
  lines.push(`[${current}]${[...decorations, 'format=yuv420p'].join(',')}[${VIDEO_OUT}]`);
  return lines;
}

function audioChains(g: GraphInput): string[] {
  // Silence as long as the recording: the mix lasts exactly that long, and is silent in gaps.
  const lines = [`anullsrc=r=48000:cl=stereo,atrim=duration=${sec(g.durationMs)}[s0]`];
  const labels = ['[s0]'];
  g.audioSegments.forEach((seg, i) => {
    const ms = Math.round(seg.startMs);
    lines.push(
      // async fills the holes of Opus DTX / lost packets with silence so later audio stays in sync.
      `[${seg.input}:a]asetpts=PTS-STARTPTS,aresample=48000:async=1:first_pts=0,` +
        `aformat=sample_fmts=fltp:channel_layouts=stereo,adelay=${ms}:all=1[a${i}]`,
    );
    labels.push(`[a${i}]`);
  });
  if (labels.length === 1) lines.push(`[s0]anull[${AUDIO_OUT}]`);
  else {
    lines.push(
      // normalize=0: each voice keeps its level however many tracks are mixed; the limiter
      // only catches two people talking loudly at once.
      `${labels.join('')}amix=inputs=${labels.length}:duration=first:dropout_transition=0:normalize=0,` +
        `alimiter=limit=0.95:level=disabled[${AUDIO_OUT}]`,
    );
  }
  return lines;
}

/** The whole graph: outputs [vout] (1280x720 yuv420p at `fps`) and [aout] (48 kHz stereo). */
export function buildFilterGraph(g: GraphInput): string {
  return [...videoChains(g), ...audioChains(g)].join(';\n') + '\n';
}
