/**
 * A table whose body holds only the rows in view (plus a few either side): at 1,000 rows the
 * browser's style, layout and paint of every row, not script, was what held the page under
 * 10 frames/s. Rows have known heights (`rowHeights`); the rows out of view are replaced by two
 * spacer rows of their total height, so the scroll bar stays true. The table keeps its semantics:
 * aria-rowcount says how many rows there are, each rendered row carries its aria-rowindex.
 */
import { type ReactNode, useLayoutEffect, useMemo, useRef, useState } from 'react';

/** Rows rendered beyond each edge of the view, so a short scroll shows no blank. */
const OVERSCAN = 6;

/** The first index whose row ends below `y` (offsets[i] is where row i starts; one more at the end). */
function rowAt(offsets: readonly number[], y: number): number {
  let low = 0;
  let high = offsets.length - 2;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle + 1] <= y) low = middle + 1;
    else high = middle;
  }
  return Math.max(0, low);
}

/**
 * A scrollable table of `rowHeights.length` rows, of which only those in view are rendered by
 * `renderRow(index, ariaRowIndex)` (which must put `aria-rowindex` on its <tr>).
 */
export function VirtualRows({
  label,
  header,
  columns,
  rowHeights,
  maxHeight,
  renderRow,
}: {
  label: string;
  header: ReactNode;
  columns: number;
  rowHeights: readonly number[];
  /** The scroll container's CSS max-height (e.g. `min(560px, 60vh)`). */
  maxHeight: string;
  renderRow: (index: number, ariaRowIndex: number) => ReactNode;
}) {
  const scroller = useRef<HTMLElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewHeight, setViewHeight] = useState(() => window.innerHeight);
  const offsets = useMemo(() => {
    const starts = [0];
    for (const height of rowHeights) starts.push(starts[starts.length - 1] + height);
    return starts;
  }, [rowHeights]);

  // The view's height follows the window (the container is at most maxHeight, less when short).
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewHeight(element.clientHeight || window.innerHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const count = rowHeights.length;
  const first = Math.max(0, rowAt(offsets, scrollTop) - OVERSCAN);
  const last = Math.min(count, rowAt(offsets, scrollTop + Math.max(viewHeight, 1)) + 1 + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) rows.push(renderRow(index, index + 2));
  const above = offsets[first];
  const below = offsets[count] - offsets[last];

  return (
    <section
      ref={scroller}
      aria-label={`${label} (scrollable)`}
      // The container takes the keyboard's focus, so arrows and Page Up/Down scroll it.
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
      tabIndex={0}
      style={{ maxHeight, overflowY: 'auto' }}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <table
        aria-label={label}
        aria-rowcount={count + 1}
        style={{ borderCollapse: 'collapse', width: '100%' }}
      >
        <thead>{header}</thead>
        <tbody>
          {above > 0 && (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row, standing for rows not rendered
            <tr aria-hidden="true" data-spacer="above" style={{ height: above }}>
              <td colSpan={columns} />
            </tr>
          )}
          {rows}
          {below > 0 && (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row, standing for rows not rendered
            <tr aria-hidden="true" data-spacer="below" style={{ height: below }}>
              <td colSpan={columns} />
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
