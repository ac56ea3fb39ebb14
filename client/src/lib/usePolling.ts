import { useEffect, useRef } from 'react';

/** Runs `fn` now, every `intervalMs` while the tab is visible, and when it becomes visible. */
export function usePolling(fn: () => unknown, intervalMs: number): void {
  const fnRef = useRef(fn);
  useEffect(() => {
    fnRef.current = fn;
  });
  useEffect(() => {
    const run = () => {
      if (document.visibilityState !== 'hidden') void fnRef.current();
    };
    run();
    const timer = setInterval(run, intervalMs);
    document.addEventListener('visibilitychange', run);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', run);
    };
  }, [intervalMs]);
}
