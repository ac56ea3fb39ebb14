/**
 * The host's knock: two short soft tones made with WebAudio (no sound files to ship). Silent
 * where the browser has no AudioContext or has not allowed audio yet (autoplay policy).
 */
let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  const Ctor = typeof window !== 'undefined' ? window.AudioContext : undefined;
  if (!Ctor) return null;
  context ??= new Ctor();
  return context;
}

/** One tone: a sine at `hz` from `at` (s, context time) for `length` s with a quick fade. */
function tone(ctx: AudioContext, hz: number, at: number, length: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'sine';
  osc.frequency.value = hz;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + length + 0.02);
  osc.onended = () => gain.disconnect();
}

export function playKnock(): void {
  try {
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const now = ctx.currentTime;
    tone(ctx, 660, now, 0.18);
    tone(ctx, 880, now + 0.22, 0.22);
  } catch {
    // A knock without sound is still shown (badge, banner).
  }
}
