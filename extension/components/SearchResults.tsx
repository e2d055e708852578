import { useEffect, useState } from "preact/hooks";
import { contactLabel } from "../../shared/contact-label";
import type { SearchResult } from "../../shared/inbox";
import type { Me } from "../../shared/people";
import type { ApiClient } from "../lib/api";
import { formatTime, t } from "../lib/i18n";

/** Searches every number the agent serves as they type (debounced), and lists what they may open. */
export function SearchResults(props: { api: ApiClient; me: Me; query: string; onOpen: (result: SearchResult) => void }) {
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setResults(null);
    const timer = setTimeout(() => {
      Promise.all(props.me.numbers.map((n) => props.api.search(n.phoneNumberId, props.query)))
        .then((pages) => {
          setError(null);
          setResults(pages.flatMap((p) => p.results));
        })
        .catch((e: Error) => setError(e.message));
    }, 250);
    return () => clearTimeout(timer);
  }, [props.query]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (results === null) return <p class="empty">{t("search.searching")}</p>;
  if (results.length === 0) return <p class="empty">{t("search.none", { q: props.query })}</p>;
  return (
    <ul class="conversation-list search-results" aria-label={t("search.results")}>
      {results.map((r) => (
        <li key={`${r.conversation.phoneNumberId}:${r.conversation.id}:${r.message?.id ?? ""}`}>
          <button type="button" class="conversation-row" onClick={() => props.onOpen(r)}>
            <span class="who">{contactLabel(r.conversation.contact) ?? t("contact.unnamed")}</span>
            <time>{formatTime(r.message?.timestamp ?? r.conversation.lastMessageAt)}</time>
            <span class="preview">{r.message ? r.message.snippet : (r.conversation.contact.username ? `@${r.conversation.contact.username}` : `+${r.conversation.contact.waId ?? ""}`)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
