import { useEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "./ErrorAlert";

/**
 * Data a page reads from the API, the server's sentence if it refused, and a way to read it again after a change.
 * The latest read wins: an older answer arriving late (after a quick change of number or filters) is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  async function reload(): Promise<void> {
    const call = ++latest.current;
    try {
      const value = await load();
      if (call !== latest.current) return;
      setData(value);
      setError(null);
    } catch (e) {
      if (call === latest.current) setError(messageOf(e));
    }
  }

  useEffect(() => void reload(), deps);
  return { data, error, reload, setData };
}
