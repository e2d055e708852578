import type { Conversation, Message } from "../../shared/inbox";
import { contactLabel } from "../../shared/contact-label";
import { dateTime } from "./format";
import { tr } from "./strings";

/** Who resolved it, or why automation did; "not resolved" while it is still open or pending. */
function resolution(conversation: Conversation, messages: Message[], nameOf: (id: string | null) => string): string {
  if (conversation.status !== "resolved") return tr("options.review.notResolved");
  if (conversation.resolveReason === "inactive") return tr("options.review.resolvedInactive");
  if (conversation.resolveReason) return tr("options.review.resolvedAuto", { reason: conversation.resolveReason });
  const last = messages.findLast((m) => m.content.activity?.kind === "resolved");
  const actor = last?.content.activity?.actorId ?? null;
  return actor ? tr("options.review.resolvedBy", { name: nameOf(actor) }) : tr("options.review.resolvedInactive");
}

/** The conversation at a glance: customer, number, status, assignee, how it was resolved and what the customer rated. */
export function ReviewHeader(props: { conversation: Conversation; messages: Message[]; numberName: string; nameOf: (id: string | null) => string }) {
  const c = props.conversation;
  const customer = contactLabel(c.contact) ?? tr("options.floor.unknownCustomer");
  const csat = c.csat;
  return (
    <section class="panel review-head" aria-labelledby="review-customer">
      <h2 id="review-customer">
        {customer} {c.contact.name && c.contact.waId && <span class="muted">+{c.contact.waId}</span>}
      </h2>
      <p class="muted">{tr("options.review.readOnly")}</p>
      <dl class="facts">
        <dt>{tr("options.review.number")}</dt>
        <dd>{props.numberName}</dd>
        <dt>{tr("options.review.status")}</dt>
        <dd>
          <span class={`badge review-status ${c.status}`}>{tr(`options.review.status.${c.status}`)}</span>
        </dd>
        <dt>{tr("options.review.assignee")}</dt>
        <dd>{c.assigneeId ? props.nameOf(c.assigneeId) : tr("options.review.nobody")}</dd>
        <dt>{tr("options.review.started")}</dt>
        <dd>
          <time dateTime={new Date(c.createdAt).toISOString()}>{dateTime(c.createdAt)}</time>
        </dd>
        <dt>{tr("options.review.resolution")}</dt>
        <dd>{resolution(c, props.messages, props.nameOf)}</dd>
        <dt>{tr("options.review.csat")}</dt>
        <dd data-stars={csat?.stars ?? undefined}>
          {!csat ? (
            tr("options.review.csatNone")
          ) : csat.stars === null ? (
            tr("options.review.csatWaiting")
          ) : (
            <>
              <span class="stars" aria-hidden="true">
                {"★".repeat(csat.stars)}
                {"☆".repeat(5 - csat.stars)}
              </span>{" "}
              {tr("options.review.csatRated", { stars: csat.stars, agent: props.nameOf(csat.agentId) || "—" })}
            </>
          )}
        </dd>
        {csat?.comment && (
          <>
            <dt>{tr("options.review.comment")}</dt>
            <dd>
              <q>{csat.comment}</q>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
