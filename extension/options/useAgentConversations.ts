import { useEffect, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../shared/inbox";
import type { ConsoleClient } from "../lib/console-api";
import { messageOf } from "./ErrorAlert";
import { agentConversations, applyAgentConversation } from "./floor-state";

/** How the floor hands on the conversations its sockets report; returns the way to stop listening. */
export type SubscribeConversations = (listener: (conversation: Conversation) => void) => () => void;

const PAGE = 50;
const PAGES = 4;
/** At most this many of a number's open conversations are read (newest activity first). */
export const READ_LIMIT = PAGE * PAGES;

/** One number's open and pending conversations, newest activity first, up to PAGES pages; `more` if it has others. */
async function openConversations(api: ConsoleClient, phoneNumberId: string): Promise<{ conversations: Conversation[]; more: boolean }> {
  const conversations: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < PAGES; page++) {
    const answer: { conversations: Conversation[]; nextCursor: string | null } = await api.conversations(phoneNumberId, "all", cursor, {}, PAGE);
    conversations.push(...answer.conversations);
    cursor = answer.nextCursor;
    if (!cursor) return { conversations, more: false };
  }
  return { conversations, more: true };
}

/**
 * One agent's open conversations on every number, kept live: read from each number's list (view=all, the
 * supervisor's view), then changed by each conversation the floor's sockets report. Events that arrive while the
 * pages load are applied on top of them once they are in, so nothing that happened meanwhile is lost; read again
 * when the floor says its sockets reconnected (`synced`).
 */
export function useAgentConversations(api: ConsoleClient, agentId: string, phoneNumberIds: string[], subscribe: SubscribeConversations, synced: number) {
  const [list, setList] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Some number has more open conversations than were read: the list may miss older ones. */
  const [partial, setPartial] = useState(false);
  const current = useRef<Conversation[] | null>(null);
  const numbers = phoneNumberIds.join(",");

  function apply(conversation: Conversation) {
    if (!current.current) return;
    const next = applyAgentConversation(current.current, agentId, conversation);
    if (next === current.current) return;
    current.current = next;
    setList(next);
  }

  useEffect(() => {
    let stopped = false;
    // Until the pages are in, what the sockets report waits here.
    let waiting: Conversation[] | null = [];
    const unsubscribe = subscribe((conversation) => {
      if (waiting) waiting.push(conversation);
      else apply(conversation);
    });

    void Promise.allSettled(phoneNumberIds.map((id) => openConversations(api, id))).then((answers) => {
      if (stopped) return;
      const read = answers.flatMap((a) => (a.status === "fulfilled" ? a.value.conversations : []));
      const refused = answers.find((a): a is PromiseRejectedResult => a.status === "rejected");
      setError(refused ? messageOf(refused.reason) : null);
      const refusedNumbers = phoneNumberIds.filter((_, i) => answers[i]!.status === "rejected");
      if (current.current === null && refusedNumbers.length > 0 && refusedNumbers.length === phoneNumberIds.length) {
        // Nothing was read: an empty list would say the agent has no conversations.
        waiting = null;
        return;
      }
      // A number that refused this time keeps what was read of it before, rather than its rows disappearing.
      const kept = (current.current ?? []).filter((c) => refusedNumbers.includes(c.phoneNumberId));
      let next = agentConversations([...kept, ...read], agentId);
      for (const conversation of waiting ?? []) next = applyAgentConversation(next, agentId, conversation);
      waiting = null;
      current.current = next;
      setList(next);
      setPartial(answers.some((a) => a.status === "fulfilled" && a.value.more));
    });

    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [api, agentId, numbers, subscribe, synced]);

  return { list, error, partial, apply };
}
