import type { SearchResult } from "../../shared/inbox";
import { ok, refuse, type Principal, type Result } from "../lib/result";
import type { Access } from "./access";
import type { Contacts } from "./contacts";
import type { Conversations } from "./conversations";
import type { Messages } from "./messages";
import { planSearch, snippet } from "./search-plan";

const MAX_RESULTS = 50;

/**
 * Search by customer name, phone, and words in the message history (FTS5 trigram; under three characters a
 * LIKE match, as `search-plan.ts` plans it). Only conversations the viewer may open are returned; history hits
 * point at their message.
 */
export class Search {
  constructor(
    private readonly access: Access,
    private readonly contacts: Contacts,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
  ) {}

  find(viewer: Principal, query: string): Result<SearchResult[]> {
    const plan = planSearch(query);
    if (!plan) return refuse(400, "q: type something to search for", "search_empty");
    const results: SearchResult[] = [];
    const seen = new Set<string>();
    const add = (conversationId: number, message: SearchResult["message"]) => {
      const key = `${conversationId}:${message?.id ?? ""}`;
      if (seen.has(key) || results.length >= MAX_RESULTS) return;
      const visible = this.access.conversation(viewer, String(conversationId));
      if (!visible.ok) return;
      seen.add(key);
      results.push({ conversation: this.conversations.toApi(visible.value), message });
    };
    for (const contactId of this.contacts.matching(plan)) {
      const latest = this.conversations.latestIdOf(contactId);
      if (latest !== undefined) add(latest, null);
    }
    for (const m of this.messages.matching(plan)) add(m.conversation_id, { id: String(m.id), snippet: snippet(m.text, query), timestamp: m.timestamp });
    return ok(results);
  }
}
