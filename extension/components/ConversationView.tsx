import { useEffect, useRef, useState } from "preact/hooks";
import { contactLabel } from "../../shared/contact-label";
import type { CollisionViewer, Conversation, Message } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { formatDay, formatTime, t } from "../lib/i18n";
import type { Catalog } from "../../shared/catalog";
import type { KnownValues } from "../lib/placeholders";
import { ActivityLine } from "./ActivityLine";
import { onDemand } from "./on-demand";
import { TagChips } from "./TagChips";
import { Composer } from "./Composer";
import { DeliveryTick } from "./DeliveryTick";
import { MessageBody } from "./MessageBody";
import type { OutgoingRequest } from "./useInbox";
import { ArrowLeft, Bot, Lock, Smartphone, UserRound, Users } from "./icons";
import { useTranslationKit } from "./useTranslationKit";

const CustomerPanel = onDemand(() => import("./CustomerPanel").then((m) => m.CustomerPanel));

const QUICK_REACTIONS = ["👍", "❤️", "🙏", "😂"];

export function ConversationView(props: {
  api: ApiClient;
  phoneNumberId: string;
  conversation: Conversation | null;
  messages: Message[] | null;
  onBack: () => void;
  onSend: (request: OutgoingRequest) => Promise<void>;
  nameOf: (agentId: string | null) => string;
  /** The status control and Transfer, in a row under the header. */
  actions?: preact.ComponentChildren;
  /** Scroll to and mark this message (from a search hit). */
  focusMessageId?: string | null;
  catalog: Catalog | null;
  /** Counts changes to this customer's details pushed since the panel opened: the customer panel reads them again. */
  customerVersion: number;
  known: Omit<KnownValues, "customerName">;
  /** Colleagues with this conversation open, and whether they are typing. */
  collision: CollisionViewer[];
  onTyping: () => void;
  onManageCanned: () => void;
  /** Opens New conversation with this customer (offered once the 24-hour window closed). */
  onNewConversation?: () => void;
}) {
  const [showCustomer, setShowCustomer] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [reactingTo, setReactingTo] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  const kit = useTranslationKit();
  const scope = kit && props.conversation ? kit.scopeFor(props.phoneNumberId, props.conversation.id) : null;

  useEffect(() => {
    const focused = props.focusMessageId ? listRef.current?.querySelector(`[data-message-id="${props.focusMessageId}"]`) : null;
    if (focused) {
      focused.classList.add("focused");
      focused.scrollIntoView({ block: "center" });
    } else {
      listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
    }
  }, [props.messages?.length, props.focusMessageId]);


  function renderMessage(m: Message) {
    return m.direction === "activity" ? (
            <ActivityLine key={m.id} message={m} nameOf={props.nameOf} />
          ) : (
          <li key={m.clientId ?? m.id} class={`message ${m.direction} kind-${m.kind}`} data-message-id={m.id} data-kind={m.kind} data-wamid={m.wamid ?? undefined}>
            <MessageBody
              message={m}
              api={props.api}
              phoneNumberId={props.phoneNumberId}
              quoted={m.content.replyToWamid ? (byWamid.get(m.content.replyToWamid) ?? null) : null}
            />
            {kit && scope && m.direction === "in" && <kit.MessageTranslation scope={scope} message={m} />}
            <small>
              {formatTime(m.timestamp)}
              {m.direction === "out" && m.status && <DeliveryTick status={m.status} />}
            </small>
            {m.error && <p class="error">{t("message.error", { code: m.error.code, title: m.error.title })}</p>}
            {m.direction === "note" && <span class="note-label"><Lock /> {t("note.label")} · {props.nameOf(m.authorId)}</span>}
            {m.origin && (
              <span class="app-origin-label" data-origin={m.origin}>
                <Smartphone /> {t(m.direction === "out" ? "coexistence.sentFromApp" : "coexistence.fromHistory")}
              </span>
            )}
            {m.content.automation && (
              <span class="automation-label"><Bot /> {t("automation.label", { kind: t(`automation.${m.content.automation}`) })}</span>
            )}
            {m.wamid && m.direction === "in" && (
              <div class="message-actions">
                <button type="button" class="link dark" onClick={() => setReplyTo(m)}>
                  {t("action.reply")}
                </button>
                <button type="button" class="link dark" aria-expanded={reactingTo === m.id} onClick={() => setReactingTo(reactingTo === m.id ? null : m.id)}>
                  {t("action.react")}
                </button>
                {reactingTo === m.id &&
                  QUICK_REACTIONS.map((emoji) => (
                    <button
                      type="button"
                      class="emoji"
                      aria-label={`${t("action.react")} ${emoji}`}
                      onClick={() => {
                        setReactingTo(null);
                        void props.onSend({ type: "reaction", targetId: m.id, emoji });
                      }}
                    >
                      {emoji}
                    </button>
                  ))}
              </div>
            )}
          </li>
    );
  }

  const byWamid = new Map((props.messages ?? []).filter((m) => m.wamid).map((m) => [m.wamid!, m]));
  const c = props.conversation;
  return (
    <section class="conversation" aria-label={contactLabel(c?.contact) ?? ""}>
      <header class="bar">
        <button type="button" class="back icon-button" onClick={props.onBack} aria-label={t("conversation.back")}>
          <ArrowLeft />
        </button>
        <div>
          <h2>{contactLabel(c?.contact) ?? t("contact.unnamed")}</h2>
          {c?.contact.username && (c.contact.name || c.contact.waId) && <small>@{c.contact.username}</small>}
          {c?.contact.waId && <small>+{c.contact.waId}</small>}
          {c && <TagChips ids={c.tags} tags={props.catalog?.tags ?? []} />}
        </div>
        <button type="button" class="header-button" aria-pressed={showCustomer} onClick={() => setShowCustomer(!showCustomer)}>
          <UserRound /> {t("customer.button")}
        </button>
      </header>
      {props.actions && <div class="conversation-tools">{props.actions}</div>}
      {c?.csat && (
        <p class="csat" role="note" data-stars={c.csat.stars ?? undefined}>
          {c.csat.stars === null ? (
            t("csat.waiting")
          ) : (
            <>
              <span class="stars" aria-hidden="true">{"★".repeat(c.csat.stars)}{"☆".repeat(5 - c.csat.stars)}</span>{" "}
              {t("csat.rated", { stars: c.csat.stars, agent: props.nameOf(c.csat.agentId) })}
              {c.csat.comment && (
                <>
                  {" · "}
                  <q>{c.csat.comment}</q>
                </>
              )}
            </>
          )}
        </p>
      )}
      {props.collision.length > 0 && (
        <p class="collision" role="status">
          <Users />{" "}
          {props.collision
            .map((v) => t(v.typing ? "collision.typing" : "collision.viewing", { name: v.name ?? props.nameOf(v.agentId) }))
            .join(" · ")}
        </p>
      )}
      {showCustomer && c && (
        <CustomerPanel
          key={c.contact.id}
          api={props.api}
          phoneNumberId={props.phoneNumberId}
          contactId={c.contact.id}
          version={props.customerVersion}
          catalog={props.catalog}
          nameOf={props.nameOf}
          onClose={() => setShowCustomer(false)}
        />
      )}
      {kit && scope && c && <kit.TranslationBar scope={scope} conversation={c} messages={props.messages} api={props.api} />}
      <ol class="messages" ref={listRef}>
        {props.messages === null && <li class="loading">{t("conversation.loading")}</li>}
        {props.messages?.flatMap((m, i, all) => {
          const previous = all[i - 1];
          const newDay = !previous || new Date(previous.timestamp).toDateString() !== new Date(m.timestamp).toDateString();
          return [
            newDay ? (
              <li key={`day-${m.id}`} class="day-separator">
                {formatDay(m.timestamp)}
              </li>
            ) : null,
            renderMessage(m),
          ];
        })}
      </ol>
      {c && (
        <Composer
          key={c.id}
          api={props.api}
          phoneNumberId={props.phoneNumberId}
          conversationId={c.id}
          windowClosesAt={c.windowClosesAt}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          onSend={props.onSend}
          onTyping={props.onTyping}
          onManageCanned={props.onManageCanned}
          onNewConversation={props.onNewConversation}
          canned={props.catalog?.canned ?? []}
          known={{ ...props.known, customerName: c.contact.name }}
          translateDraft={kit && scope ? (draft, send) => <kit.DraftTranslation scope={scope} draft={draft} onSend={send} /> : undefined}
        />
      )}
    </section>
  );
}
