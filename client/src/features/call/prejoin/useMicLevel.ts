import { useEffect, useState } from 'react';

type AudioContextCtor = typeof AudioContext;

function audioContextCtor(): AudioContextCtor | null {
  if (typeof window === 'undefined') return null;
  // Older Safari names it webkitAudioContext; jsdom has neither.
  const w = window as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

/** Loudness 0..1 from time-domain samples (RMS, scaled so speech fills most of the bar). */
export function levelOf(samples: Uint8Array): number {
  let sum = 0;
  for (const v of samples) {
    const centred = (v - 128) / 128;
    sum += centred * centred;
  }
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return Math.min(1, rms * 4);
}

/**
 * The live input level (0..1) of a microphone track, ~15 times a second, for a meter; 0 while
 * the track is off (disabled) or absent, or where the browser has no Web Audio.
 */
export function useMicLevel(track: MediaStreamTrack | null, on: boolean): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const Ctor = audioContextCtor();
    if (!track || !on || !Ctor) return;
    const ctx = new Ctor();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    // A page opened without a gesture may start the context suspended; the meter tries anyway.
    void ctx.resume().catch(() => {});
    const timer = setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      setLevel(levelOf(samples));
    }, 66);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close().catch(() => {});
    };
  }, [track, on]);
  // The last reading is stale once the mic is off or replaced.
  return track && on ? level : 0;
}
