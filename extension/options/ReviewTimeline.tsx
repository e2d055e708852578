import { ActivityLine } from "../components/ActivityLine";
import { DeliveryTick } from "../components/DeliveryTick";
import { Bot, Lock } from "../components/icons";
import { MessageBody } from "../components/MessageBody";
import type { Message } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import { dateTime } from "./format";
import { tr } from "./strings";

/**
 * The whole conversation in order, read-only: the customer's messages, replies (automatic ones marked as such),
 * private notes, and the log's own lines (assigned and why, transferred, resolved, rated, automation skipped).
 * Each message says who wrote it, so the timeline reads the same without the bubbles' colours.
 */
export function ReviewTimeline(props: { api: ApiClient; phoneNumberId: string; messages: Message[]; customer: string; nameOf: (id: string | null) => string }) {
  const byWamid = new Map(props.messages.filter((m) => m.wamid).map((m) => [m.wamid!, m]));

  function author(m: Message) {
    if (m.direction === "in") return props.customer;
    if (m.direction === "note") return <><Lock /> {t("note.label")} · {props.nameOf(m.authorId)}</>;
    if (m.content.automation) return <><Bot /> {t("automation.label", { kind: t(`automation.${m.content.automation}`) })}</>;
    return props.nameOf(m.authorId) || "—";
  }

  return (
    <section class="panel" aria-labelledby="review-timeline-title">
      <h2 id="review-timeline-title">{tr("options.review.timeline")}</h2>
      {props.messages.length === 0 ? (
        <p class="empty">{tr("options.review.empty")}</p>
      ) : (
        <ol class="messages review-timeline" aria-labelledby="review-timeline-title">
          {props.messages.map((m) =>
            m.direction === "activity" ? (
              <ActivityLine key={m.id} message={m} nameOf={props.nameOf} />
            ) : (
              <li
                key={m.id}
                class={`message ${m.direction} kind-${m.kind} ${m.content.automation ? "automatic" : ""}`}
                data-message-id={m.id}
                data-automation={m.content.automation}
              >
                <p class="review-who">{author(m)}</p>
                <MessageBody message={m} api={props.api} phoneNumberId={props.phoneNumberId} quoted={m.content.replyToWamid ? (byWamid.get(m.content.replyToWamid) ?? null) : null} />
                <small>
                  <time dateTime={new Date(m.timestamp).toISOString()}>{dateTime(m.timestamp)}</time>
                  {m.direction === "out" && m.status && <DeliveryTick status={m.status} />}
                </small>
                {m.error && <p class="error">{t("message.error", { code: m.error.code, title: m.error.title })}</p>}
              </li>
            ),
          )}
        </ol>
      )}
    </section>
  );
}
