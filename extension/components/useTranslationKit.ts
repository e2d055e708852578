import { useEffect, useState } from "preact/hooks";

type Kit = typeof import("./translation/kit");
let kit: Kit | null = null;

/**
 * The translation feature, loaded when a conversation first opens (null until then): it is not part of the side
 * panel's first load, whose JavaScript budget is 45 KB gzip.
 */
export function useTranslationKit(): Kit | null {
  const [loaded, setLoaded] = useState(kit);
  useEffect(() => {
    if (!loaded) void import("./translation/kit").then((module) => setLoaded((kit = module)));
  }, []);
  return loaded;
}
