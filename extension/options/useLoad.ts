import { useEffect, useState } from "preact/hooks";
import { messageOf } from "./ErrorAlert";

/** Data a page reads from the API, the server's sentence if it refused, and a way to read it again after a change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function reload(): Promise<void> {
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  useEffect(() => void reload(), deps);
  return { data, error, reload, setData };
}
