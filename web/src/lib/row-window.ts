// Which rows of a list of fixed-height rows to draw: the visible ones and a margin. The stream's
// rows all have one height, so this is arithmetic on the scroll offset; a general virtualizer
// measures every row (an object per row, rebuilt each time the count changes: 5-14 ms of a
// 1,000-event first page, more for every batch of a 50,000-line tail).

export interface RowWindow {
  /** First row drawn (inclusive). */
  start: number;
  /** Row after the last one drawn (exclusive). */
  end: number;
}

export interface RowWindowInput {
  count: number;
  rowHeight: number;
  /** The scroller's scrollTop (rows start at 0). */
  scrollTop: number;
  viewportHeight: number;
  /** Rows drawn beyond the visible ones, each way. */
  overscan: number;
  /** Following the newest row: draw the last rows whatever scrollTop still says (a new page is
   *  drawn where it will be read, in one render, not at the top and again after the scroll). */
  atEnd: boolean;
}

export function rowWindow({ count, rowHeight, scrollTop, viewportHeight, overscan, atEnd }: RowWindowInput): RowWindow {
  const visible = Math.ceil(viewportHeight / rowHeight);
  if (atEnd) return { start: Math.max(0, count - visible - overscan), end: count };
  const first = Math.min(Math.max(0, Math.floor(scrollTop / rowHeight)), count);
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + visible + 1 + overscan) };
}

/**
 * The scrollTop that shows row `index`: in the middle, or (`nearest`) only as far as needed.
 * `listTop`: where the rows start in the scroller (below the "Scroll up for older events" line).
 */
export function scrollTopFor(index: number, align: 'center' | 'nearest', view: { rowHeight: number; listTop: number; scrollTop: number; viewportHeight: number }): number {
  const { rowHeight, listTop, scrollTop, viewportHeight } = view;
  const top = listTop + index * rowHeight;
  if (align === 'center') return Math.max(0, top - (viewportHeight - rowHeight) / 2);
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}
