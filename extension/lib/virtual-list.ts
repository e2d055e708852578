import { elementScroll, measureElement, observeElementOffset, observeElementRect, Virtualizer } from "@tanstack/virtual-core";
import { useLayoutEffect, useReducer, useState } from "preact/hooks";

/**
 * TanStack's framework-agnostic virtualizer wired to Preact, as its React adapter does: only the rows on screen
 * (plus a few) are in the DOM, so a list of 10,000 conversations stays as light as one of 50.
 */
export function useVirtualList<T extends Element>(options: {
  count: number;
  getScrollElement: () => T | null;
  estimateSize: (index: number) => number;
  overscan?: number;
}): Virtualizer<T, Element> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved = {
    ...options,
    overscan: options.overscan ?? 8,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    measureElement,
    onChange: () => rerender(undefined as never),
  };
  const [instance] = useState(() => new Virtualizer<T, Element>(resolved));
  instance.setOptions(resolved);
  useLayoutEffect(() => instance._didMount(), []);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
