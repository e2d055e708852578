import { useEffect, useRef, useState } from "preact/hooks";
import { contactLabel } from "../../shared/contact-label";
import type { FloorAgent } from "../../shared/floor";
import type { Conversation } from "../../shared/inbox";
import type { ConsoleClient } from "../lib/console-api";
import { AgentOptions } from "./AgentOptions";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { candidates, type FloorState } from "./floor-state";
import { ago } from "./format";
import { languagesIn, matchesLanguage, type LanguageChoice } from "./language-filter";
import { tr } from "./strings";
import { READ_LIMIT, useAgentConversations, type SubscribeConversations } from "./useAgentConversations";

export interface AgentConversationsProps {
  id: string;
  api: ConsoleClient;
  state: FloorState;
  agent: FloorAgent;
  now: number;
  subscribe: SubscribeConversations;
  synced: number;
}

function contactName(conversation: Conversation): string {
  return contactLabel(conversation.contact) ?? tr("options.floor.unknownCustomer");
}

/** One agent's open conversations on every number, live, each with a way to hand it to someone else now. */
export function FloorAgentConversations(props: AgentConversationsProps) {
  const numbers = props.state.queues.map((q) => q.phoneNumberId);
  const { list, error, partial, apply } = useAgentConversations(props.api, props.agent.id, numbers, props.subscribe, props.synced);
  const [news, setNews] = useState("");
  const [refocus, setRefocus] = useState(false);
  const [language, setLanguage] = useState<LanguageChoice>(null);
  const container = useRef<HTMLDivElement>(null);
  const name = props.agent.name;

  // The transferred row is gone and with it the focused button: focus stays here rather than falling to the page.
  useEffect(() => {
    if (!refocus) return;
    setRefocus(false);
    if (container.current?.contains(document.activeElement)) return;
    // The list (or, once it is empty, the sentence saying so), which a screen reader then reads out.
    const target = container.current?.querySelector<HTMLElement>("ul, .empty") ?? container.current;
    target?.focus();
  }, [refocus]);

  function transferred(after: Conversation, toName: string) {
    apply(after);
    setNews(tr("options.floor.transferred", { name: contactName(after), agent: toName }));
    setRefocus(true);
  }

  return (
    <div class="agent-conversations" id={props.id} ref={container}>
      <ErrorAlert error={error} />
      {list !== null && list.length > 0 && <LanguageFilter list={list} value={language} onChange={setLanguage} />}
      {list === null ? (
        !error && <p class="muted">{tr("options.floor.loadingConversations", { name })}</p>
      ) : list.length === 0 ? (
        <p class="empty" tabIndex={-1}>
          {tr("options.floor.noConversations", { name })}
        </p>
      ) : (
        <ul class="plain-list" aria-label={tr("options.floor.conversationsOf", { name })} tabIndex={-1}>
          {list.filter((c) => matchesLanguage(c, language)).map((conversation) => (
            <ConversationRow
              key={`${conversation.phoneNumberId}:${conversation.id}`}
              api={props.api}
              state={props.state}
              agent={props.agent}
              conversation={conversation}
              now={props.now}
              onTransferred={transferred}
            />
          ))}
        </ul>
      )}
      {partial && <p class="muted">{tr("options.floor.partial", { n: READ_LIMIT })}</p>}
      <p class="visually-hidden" role="status">
        {news}
      </p>
    </div>
  );
}

/** The customers' languages in this list, as a filter ("zh" keeps zh-Hant too). */
function LanguageFilter(props: { list: Conversation[]; value: LanguageChoice; onChange: (choice: LanguageChoice) => void }) {
  const { languages, undetected } = languagesIn(props.list);
  const names = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "language" });
  const nameOf = (code: string) => {
    try {
      return `${names.of(code) ?? code} (${code})`;
    } catch {
      return code;
    }
  };
  return (
    <label class="inline-label language-filter">
      {tr("options.floor.language")}
      <select
        value={props.value === null ? "*" : props.value}
        onChange={(e) => props.onChange(e.currentTarget.value === "*" ? null : e.currentTarget.value)}
      >
        <option value="*">{tr("options.floor.languageAll")}</option>
        {languages.map((code) => (
          <option value={code}>{nameOf(code)}</option>
        ))}
        {undetected && <option value="">{tr("options.floor.languageUnknown")}</option>}
        {props.value !== null && props.value !== "" && !languages.includes(props.value) && <option value={props.value}>{nameOf(props.value)}</option>}
      </select>
    </label>
  );
}

/** Transferring from the floor forces, like assigning: a supervisor may give it to someone Away, offline or full. */
function ConversationRow(props: {
  api: ConsoleClient;
  state: FloorState;
  agent: FloorAgent;
  conversation: Conversation;
  now: number;
  onTransferred: (after: Conversation, toName: string) => void;
}) {
  const [agentId, setAgentId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = props.conversation;
  const name = contactName(c);
  const number = props.state.queues.find((q) => q.phoneNumberId === c.phoneNumberId)?.displayName ?? c.phoneNumberId;
  const choices = candidates(props.state, c.phoneNumberId).filter((a) => a.id !== props.agent.id);

  async function transfer(event: Event) {
    event.preventDefault();
    if (!agentId) return;
    const toName = choices.find((a) => a.id === agentId)?.name ?? "";
    setBusy(true);
    setError(null);
    try {
      const after = await props.api.transfer(c.phoneNumberId, c.id, { toAgentId: agentId, force: true });
      // The row leaves now; the number's socket reports the same change to every console.
      props.onTransferred(after, toName);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="waiting-row agent-conversation">
      <div class="waiting-who">
        <strong>{name}</strong>
        <span class="waited">{tr("options.floor.lastMessage", { time: ago(c.lastMessageAt, props.now) })}</span>
        <span class="where">
          {number}
          {c.status === "pending" && ` · ${tr("options.floor.pending")}`}
        </span>
        <span class="preview">{c.lastMessagePreview}</span>
      </div>
      <form class="assign" onSubmit={transfer}>
        <label class="inline-label">
          {tr("options.floor.transferTo")}
          <select aria-label={tr("options.floor.transferLabel", { name })} value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <AgentOptions candidates={choices} />
          </select>
        </label>
        <button type="submit" class="small" disabled={!agentId || busy} aria-label={tr("options.floor.transferButton", { name })}>
          {tr("options.floor.transfer")}
        </button>
      </form>
      <ErrorAlert error={error} />
    </li>
  );
}
