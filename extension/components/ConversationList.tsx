import { useEffect } from "preact/hooks";
import type { Conversation } from "../../shared/inbox";
import { formatTime, t } from "../lib/i18n";

let markedInteractive = false;

export function ConversationList(props: { conversations: Conversation[]; onOpen: (c: Conversation) => void }) {
  useEffect(() => {
    // The benchmark reads this mark: the first time the agent's list is on screen and clickable.
    if (!markedInteractive && props.conversations.length > 0) {
      markedInteractive = true;
      performance.mark("inbox-interactive", { detail: { rows: props.conversations.length } });
    }
  }, [props.conversations.length > 0]);
  if (props.conversations.length === 0) return <p class="empty">{t("inbox.empty")}</p>;
  return (
    <ul class="conversation-list" aria-label={t("inbox.mine")}>
      {props.conversations.map((c) => (
        <li key={`${c.phoneNumberId}:${c.id}`}>
          <button type="button" class="conversation-row" data-conversation-id={c.id} onClick={() => props.onOpen(c)}>
            <span class="who">{c.contact.name ?? `+${c.contact.waId}`}</span>
            <time>{formatTime(c.lastMessageAt)}</time>
            <span class="preview">{c.lastMessagePreview}</span>
            {c.unread > 0 && (
              <span class="unread" aria-label={t("inbox.unread", { n: c.unread })}>
                {c.unread}
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
