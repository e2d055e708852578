import { useEffect, useState } from "preact/hooks";
import type { Conversation, ConversationView } from "../../shared/inbox";
import { formatTime, t } from "../lib/i18n";
import { waitedFor } from "../lib/views";
import type { Tag } from "../../shared/catalog";
import { TagChips } from "./TagChips";

let markedInteractive = false;

function Waiting({ since }: { since: number }) {
  const { seconds, minutes, hours } = waitedFor(since);
  const time = hours > 0 ? t("time.hours", { n: hours }) : minutes > 0 ? t("time.minutes", { n: minutes }) : t("time.seconds", { n: seconds });
  return <span class="waiting">{t("queue.waiting", { time })}</span>;
}

export function ConversationList(props: {
  view: ConversationView;
  conversations: Conversation[];
  error: string | null;
  hasMore: boolean;
  onOpen: (c: Conversation) => void;
  onClaim: (c: Conversation) => Promise<void>;
  onLoadMore: () => void;
  tags: Tag[];
}) {
  const [claimError, setClaimError] = useState<Record<string, string>>({});
  const [, tick] = useState(0);
  useEffect(() => {
    // The benchmark reads this mark: the first time the agent's list is on screen and clickable.
    if (!markedInteractive && props.conversations.length > 0) {
      markedInteractive = true;
      performance.mark("inbox-interactive", { detail: { rows: props.conversations.length } });
    }
  }, [props.conversations.length > 0]);
  useEffect(() => {
    // Waiting times move on by themselves.
    const timer = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(timer);
  }, []);

  if (props.error) return <p class="error" role="alert">{props.error}</p>;
  if (props.conversations.length === 0) {
    return <p class="empty">{props.view === "mine" ? t("inbox.empty") : t(`view.empty.${props.view}`)}</p>;
  }
  return (
    <>
      <ul class="conversation-list" aria-label={t(`view.${props.view}`)}>
        {props.conversations.map((c) => (
          <li key={`${c.phoneNumberId}:${c.id}`} class="conversation-item">
            <button type="button" class="conversation-row" data-conversation-id={c.id} onClick={() => props.onOpen(c)}>
              <span class="who">{c.contact.name ?? `+${c.contact.waId}`}</span>
              <time>{formatTime(c.lastMessageAt)}</time>
              <span class="preview">{c.lastMessagePreview}</span>
              {c.unread > 0 && (
                <span class="unread" aria-label={t("inbox.unread", { n: c.unread })}>
                  {c.unread}
                </span>
              )}
              {c.queuedAt !== null && <Waiting since={c.queuedAt} />}
              {c.tags.length > 0 && (
                <span class="row-tags">
                  <TagChips ids={c.tags} tags={props.tags} />
                </span>
              )}
            </button>
            {props.view === "unassigned" && c.assigneeId === null && (
              <div class="claim">
                <button
                  type="button"
                  onClick={() =>
                    props.onClaim(c).catch((e: Error) => setClaimError((prev) => ({ ...prev, [c.id]: e.message })))
                  }
                >
                  {t("queue.claim")}
                </button>
                {claimError[c.id] && (
                  <span class="error" role="alert">
                    {claimError[c.id]}
                  </span>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {props.hasMore && (
        <button type="button" class="load-more" onClick={props.onLoadMore}>
          {t("view.loadMore")}
        </button>
      )}
    </>
  );
}
