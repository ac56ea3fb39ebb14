import { useEffect, useRef, useState, type ReactNode } from 'react';

/** Assumed height of the scroll area until it has been measured (tests, first paint). */
const UNMEASURED_HEIGHT_PX = 480;

/** The rows a scroll position shows, with `overscan` extra rows each side. Pure, for tests. */
export function visibleRange(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): { start: number; end: number } {
  if (count === 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight);
  const start = Math.max(0, Math.min(first, count - 1) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end };
}

/**
 * A list of fixed-height rows that renders only the rows in view (plus a few): 200 participants
 * cost a screenful of DOM. Rows are `<li>`s positioned inside a `<ul>` as tall as all of them;
 * each row gets aria-setsize/aria-posinset so assistive tech still knows the whole size.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  itemKey,
  renderRow,
  label,
  className = '',
  rowProps,
  overscan = 4,
}: {
  items: readonly T[];
  rowHeight: number;
  itemKey: (item: T) => string | number;
  renderRow: (item: T) => ReactNode;
  label: string;
  className?: string;
  /** Attributes of a row's `<li>` (class name, data-*). */
  rowProps?: (item: T) => { className?: string } & Record<`data-${string}`, string | undefined>;
  overscan?: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const { start, end } = visibleRange(items.length, rowHeight, scrollTop, height || UNMEASURED_HEIGHT_PX, overscan);
  return (
    <div ref={scrollRef} className="people__scroll" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul className={`${className} people--virtual`} aria-label={label} style={{ height: items.length * rowHeight }}>
        {items.slice(start, end).map((item, i) => (
          <li
            key={itemKey(item)}
            {...rowProps?.(item)}
            style={{ top: (start + i) * rowHeight, height: rowHeight }}
            aria-setsize={items.length}
            aria-posinset={start + i + 1}
          >
            {renderRow(item)}
          </li>
        ))}
      </ul>
    </div>
  );
}
