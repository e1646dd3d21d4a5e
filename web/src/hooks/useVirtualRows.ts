// Long tables draw only the rows in view (plus a margin): spacer rows above and below keep the
// scroll height and the columns of a real <table>. Rows of varying height are measured once drawn.
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';

export function useVirtualRows(count: number, scroller: RefObject<HTMLElement | null>, estimate: (index: number) => number) {
  const virtual = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: estimate, overscan: 12 });
  const items = virtual.getVirtualItems();
  return {
    items,
    padTop: items[0]?.start ?? 0,
    padBottom: virtual.getTotalSize() - (items.at(-1)?.end ?? 0),
    /** Ref for a drawn row (with data-index) whose height may differ from the estimate. */
    measure: virtual.measureElement,
  };
}
