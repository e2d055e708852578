import type { AgentStatus, Me } from "../../shared/people";
import type { ApiClient } from "../lib/api";
import { t, type Locale } from "../lib/i18n";
import { ConversationList } from "./ConversationList";
import { ConversationView } from "./ConversationView";
import { LanguageSwitch } from "./LanguageSwitch";
import { StatusToggle } from "./StatusToggle";
import { useInbox } from "./useInbox";

export function Inbox(props: {
  api: ApiClient;
  me: Me;
  locale: Locale;
  onLocale: (l: Locale) => void;
  onMe: (me: Me) => void;
  onSignOut: () => void;
}) {
  const inbox = useInbox(props.api, props.me, props.onSignOut);

  async function changeStatus(status: AgentStatus) {
    const agent = await props.api.setStatus(status);
    props.onMe({ ...props.me, agent });
  }

  async function signOut() {
    await props.api.signOut().catch(() => undefined);
    props.onSignOut();
  }

  return (
    <main class="inbox">
      <header class="bar top">
        <div class="me">
          <strong>{props.me.agent.name}</strong>
          <span class={`live ${inbox.live}`} role="status">
            {t(`live.${inbox.live}`)}
          </span>
        </div>
        <StatusToggle status={props.me.agent.status} onChange={changeStatus} />
        <LanguageSwitch locale={props.locale} onLocale={props.onLocale} />
        <button type="button" class="link" onClick={signOut}>
          {t("signOut")}
        </button>
      </header>
      {Object.entries(inbox.unhealthy).map(([phoneNumberId, detail]) => (
        <p class="hint danger" role="alert">
          {t("health.tokenInvalid", { number: props.me.numbers.find((n) => n.phoneNumberId === phoneNumberId)?.displayName ?? phoneNumberId, detail })}
        </p>
      ))}
      {props.me.agent.status === "away" && <p class="hint">{t("status.awayHint")}</p>}
      {inbox.open ? (
        <ConversationView
          api={props.api}
          phoneNumberId={inbox.open.phoneNumberId}
          conversation={inbox.openConversation}
          messages={inbox.messages}
          onBack={() => inbox.setOpen(null)}
          onSend={inbox.send}
          nameOf={(agentId) => inbox.nameOf(inbox.open!.phoneNumberId, agentId)}
        />
      ) : (
        <>
          <h2 class="section">{t("inbox.mine")}</h2>
          <ConversationList
            conversations={inbox.conversations}
            onOpen={(c) => inbox.setOpen({ phoneNumberId: c.phoneNumberId, conversationId: c.id })}
          />
        </>
      )}
    </main>
  );
}
