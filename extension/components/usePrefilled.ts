import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/**
 * A form value that starts from what the extension saved, read asynchronously. Whatever the agent changed before
 * that read answered wins: a slow storage read (a fresh profile, a busy browser) must never put back the old value
 * over what they just typed or ticked. `loaded` says whether the saved value is in, for forms whose every change
 * writes the whole record back and so must not start from the default.
 */
export function usePrefilled<T>(read: () => Promise<T>, initial: T): { value: T; set: (next: T) => void; loaded: boolean } {
  const [value, setValue] = useState(initial);
  const [loaded, setLoaded] = useState(false);
  const changed = useRef(false);

  useEffect(() => {
    let mounted = true;
    void read().then((saved) => {
      if (!mounted) return;
      if (!changed.current) setValue(saved);
      setLoaded(true);
    });
    return () => {
      mounted = false;
    };
  }, []);

  const set = useCallback((next: T) => {
    changed.current = true;
    setValue(next);
  }, []);

  return { value, set, loaded };
}
