import { useEffect, useState } from "preact/hooks";
import type { Catalog } from "../../shared/catalog";
import type { ApiClient } from "../lib/api";

/** Company tags, attribute definitions and canned responses (company and mine), loaded once per session. */
export function useCatalog(api: ApiClient) {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const reload = () =>
    api
      .catalog()
      .then(setCatalog)
      .catch(() => undefined);
  useEffect(() => void reload(), [api.serverUrl]);
  return { catalog, reload };
}
