import { useEffect, useMemo, useState } from 'react';
import { useCallStore } from './callStore';
import { judgeConnection, type QualityVerdict } from './connectionQuality';

/**
 * The call's connection verdict, re-judged when the store's network health changes and when a
 * low score has been low long enough to count (no report arrives at that moment). `now` only
 * moves on that timer: a stale `now` can only under-count a low spell, and the verdict's
 * `recheckAt` then wakes it up.
 */
export function useConnectionQuality(): QualityVerdict {
  const network = useCallStore((s) => s.network);
  const [now, setNow] = useState(() => Date.now());
  const verdict = useMemo(() => judgeConnection(network, now), [network, now]);
  useEffect(() => {
    if (verdict.recheckAt === null) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, verdict.recheckAt - Date.now()) + 10);
    return () => clearTimeout(timer);
  }, [verdict.recheckAt]);
  return verdict;
}
