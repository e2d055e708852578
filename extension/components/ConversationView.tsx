import { useEffect, useRef, useState } from "preact/hooks";
import type { Conversation, Message } from "../../shared/inbox";
import { formatTime, t } from "../lib/i18n";
import { DeliveryTick } from "./DeliveryTick";

export function ConversationView(props: {
  conversation: Conversation | null;
  messages: Message[] | null;
  onBack: () => void;
  onSend: (text: string) => Promise<void>;
}) {
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
  }, [props.messages?.length]);

  async function send() {
    const text = draft.trim();
    if (!text) return;
    setDraft("");
    setError(null);
    try {
      await props.onSend(text);
    } catch (e) {
      setDraft(text);
      setError((e as Error).message);
    }
  }

  const c = props.conversation;
  return (
    <section class="conversation" aria-label={c?.contact.name ?? c?.contact.waId ?? ""}>
      <header class="bar">
        <button type="button" class="back" onClick={props.onBack} aria-label={t("conversation.back")}>
          ←
        </button>
        <div>
          <h2>{c?.contact.name ?? `+${c?.contact.waId ?? ""}`}</h2>
          {c?.contact.waId && <small>+{c.contact.waId}</small>}
        </div>
      </header>
      {c?.assignmentReason && <p class="activity">{t("conversation.assigned", { reason: c.assignmentReason })}</p>}
      <ol class="messages" ref={listRef}>
        {props.messages === null && <li class="loading">{t("conversation.loading")}</li>}
        {props.messages?.map((m) => (
          <li key={m.clientId ?? m.id} class={`message ${m.direction}`} data-message-id={m.id}>
            <p>{m.text ?? `[${m.kind}]`}</p>
            <small>
              {formatTime(m.timestamp)}
              {m.direction === "out" && m.status && <DeliveryTick status={m.status} />}
            </small>
            {m.error && <p class="error">{`${m.error.code}: ${m.error.title}`}</p>}
          </li>
        ))}
      </ol>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <label class="visually-hidden" for="composer-text">
          {t("composer.label")}
        </label>
        <textarea
          id="composer-text"
          rows={2}
          placeholder={t("composer.placeholder")}
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit">{t("composer.send")}</button>
      </form>
    </section>
  );
}
