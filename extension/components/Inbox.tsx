import type { AgentStatus, Me } from "../../shared/people";
import type { ApiClient } from "../lib/api";
import { t, type Locale } from "../lib/i18n";
import { ConversationList } from "./ConversationList";
import { ConversationView } from "./ConversationView";
import { Pencil, SettingsIcon } from "./icons";
import { StatusControl, type StatusChange } from "./StatusControl";
import { StatusToggle } from "./StatusToggle";
import { SearchResults } from "./SearchResults";
import { pendingSearchItem } from "../lib/session-store";
import { useEffect, useRef } from "preact/hooks";
import { useCatalog } from "./useCatalog";
import { useInbox } from "./useInbox";
import { ViewTabs } from "./ViewTabs";
import { useState } from "preact/hooks";
import type { Conversation, ConversationView as InboxView } from "../../shared/inbox";
import type { Team } from "../../shared/routing";
import { conversationKey } from "../lib/views";
import { onDemand } from "./on-demand";

// Loaded when first shown (a selection, a click), so the panel's first load carries none of them.
const BulkBar = onDemand(() => import("./bulk/BulkBar").then((m) => m.default));
const Settings = onDemand(() => import("./Settings").then((m) => m.Settings));
const TransferDialog = onDemand(() => import("./TransferDialog").then((m) => m.TransferDialog));
const ShortcutsHelp = onDemand(() => import("./ShortcutsHelp").then((m) => m.ShortcutsHelp));
const MyResponses = onDemand(() => import("./MyResponses").then((m) => m.MyResponses));
const NewConversationDialog = onDemand(() => import("./new-conversation/NewConversationDialog").then((m) => m.NewConversationDialog));

export function Inbox(props: {
  api: ApiClient;
  me: Me;
  locale: Locale;
  onLocale: (l: Locale) => void;
  onMe: (me: Me) => void;
  onSignOut: () => void;
}) {
  const inbox = useInbox(props.api, props.me, props.onSignOut, (status) => props.onMe({ ...props.me, agent: { ...props.me.agent, status } }));
  const { catalog, reload: reloadCatalog } = useCatalog(props.api);
  useEffect(() => {
    if (inbox.catalogVersion > 0) void reloadCatalog();
  }, [inbox.catalogVersion]);
  const [managingCanned, setManagingCanned] = useState(false);
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => void props.api.teams().then((r) => setTeams(r.teams)).catch(() => undefined), []);
  const [transferring, setTransferring] = useState(false);
  /** The New conversation dialog: open (prefilled from a conversation whose window closed, or empty), or null. */
  const [starting, setStarting] = useState<{ prefill?: Conversation | null } | null>(null);
  const [query, setQuery] = useState("");
  useEffect(() => {
    // "Open in inbox" on a page's selected phone number searches for it.
    const take = (value: { q: string } | null) => {
      if (!value) return;
      void pendingSearchItem.setValue(null);
      inbox.openOne(null);
      setQuery(value.q);
    };
    void pendingSearchItem.getValue().then(take);
    return pendingSearchItem.watch(take);
  }, []);
  /** A search hit opens its conversation at the matching message. */
  const [focusMessageId, setFocusMessageId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const supervisor = props.me.agent.role !== "agent";
  const views: InboxView[] = supervisor ? ["mine", "unassigned", "all", "resolved"] : ["mine", "unassigned", "resolved"];
  const current = inbox.openConversation;

  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [bulkActive, setBulkActive] = useState(false);
  useEffect(() => setSelected(new Set()), [inbox.view]);
  const picked = inbox.conversations.filter((c) => selected.has(conversationKey(c)));
  const [showKeys, setShowKeys] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  useEffect(() => {
    // A notification's "Reply": the conversation is open, the cursor goes to the reply box.
    if (inbox.replyRequested > 0) requestAnimationFrame(() => document.getElementById("composer-text")?.focus());
  }, [inbox.replyRequested, current?.id]);

  // The key handler is registered once and reads the latest state from here, so a key pressed right after
  // a render never meets a handler that still sees the previous screen.
  const keys = useRef<(event: KeyboardEvent) => void>(() => undefined);
  keys.current = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable;
    if (event.key === "Escape") {
      if (showKeys) setShowKeys(false);
      else if (showSettings && !typing) setShowSettings(false);
      else if (transferring) setTransferring(false);
      else if (typing) target.blur();
      else if (selected.size && !inbox.open) setSelected(new Set());
      else if (inbox.open) inbox.openOne(null);
      return;
    }
    if (typing || showSettings || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    const handled = (() => {
      if (key === "?") return setShowKeys(true), true;
      if (key === "/") return document.getElementById("search")?.focus(), true;
      if (key === "a") return void changeStatus(props.me.agent.status === "available" ? "away" : "available"), true;
      if (!inbox.open && /^[1-4]$/.test(key)) {
        const view = views[Number(key) - 1];
        if (view) inbox.setView(view);
        return true;
      }
      if (inbox.open && key === "r") return document.getElementById("composer-text")?.focus(), true;
      if (inbox.open && key === "e" && current && current.status !== "resolved") return void act("resolve"), true;
      if (inbox.open && key === "t" && current?.status === "open") return setTransferring(true), true;
      return false;
    })();
    if (handled) event.preventDefault();
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => keys.current(event);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  async function act(action: "resolve" | "reopen") {
    if (!current) return;
    setActionError(null);
    await inbox.act(props.api.conversationAction(current.phoneNumberId, current.id, action)).catch((e: Error) => setActionError(e.message));
  }

  /** The status control: Open reopens, Resolved resolves, Pending snoozes (a resolved one is reopened first). */
  async function changeConversationStatus(change: StatusChange) {
    if (!current) return;
    setActionError(null);
    const { phoneNumberId, id } = current;
    try {
      if (change.status !== "pending") return void (await inbox.act(props.api.conversationAction(phoneNumberId, id, change.status === "open" ? "reopen" : "resolve")));
      if (current.status === "resolved") await inbox.act(props.api.conversationAction(phoneNumberId, id, "reopen"));
      await inbox.act(props.api.snooze(phoneNumberId, id, change.until));
    } catch (error) {
      setActionError((error as Error).message);
    }
  }

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
        <button type="button" class="icon-button" aria-label={t("newConversation.open")} title={t("newConversation.open")} onClick={() => setStarting({})}>
          <Pencil />
        </button>
        <button type="button" class="icon-button" aria-label={t("settings.open")} title={t("settings.open")} aria-expanded={showSettings} onClick={() => setShowSettings(!showSettings)}>
          <SettingsIcon />
        </button>
      </header>
      {Object.entries(inbox.unhealthy).map(([phoneNumberId, detail]) => (
        <p class="hint danger" role="alert">
          {t("health.tokenInvalid", { number: props.me.numbers.find((n) => n.phoneNumberId === phoneNumberId)?.displayName ?? phoneNumberId, detail })}
        </p>
      ))}
      {showSettings && (
        <Settings me={props.me} locale={props.locale} onLocale={props.onLocale} onBack={() => setShowSettings(false)} onSignOut={() => void signOut()} />
      )}
      {props.me.agent.status === "away" && !showSettings && <p class="hint">{t("status.awayHint")}</p>}
      {showKeys && <ShortcutsHelp onClose={() => setShowKeys(false)} />}
      {starting && (
        // Once started, the conversation reaches the list by the live socket, like any conversation given to this agent.
        <NewConversationDialog api={props.api} me={props.me} teams={teams} prefill={starting.prefill} onClose={() => setStarting(null)} />
      )}
      {managingCanned && (
        <MyResponses
          api={props.api}
          meId={props.me.agent.id}
          canned={catalog?.canned ?? []}
          onChanged={() => void reloadCatalog()}
          onClose={() => setManagingCanned(false)}
        />
      )}
      {showSettings ? null : inbox.open ? (
        <>
          <ConversationView
            api={props.api}
            phoneNumberId={inbox.open.phoneNumberId}
            conversation={current}
            messages={inbox.messages}
            onBack={() => {
              setFocusMessageId(null);
              inbox.openOne(null);
            }}
            focusMessageId={focusMessageId}
            catalog={catalog}
            customerVersion={current ? inbox.contactVersion(inbox.open.phoneNumberId, current.contact.id) : 0}
            collision={inbox.collision}
            onTyping={inbox.signalTyping}
            onManageCanned={() => setManagingCanned(true)}
            onNewConversation={() => setStarting({ prefill: current })}
            known={{
              agentName: props.me.agent.name,
              numberName: props.me.numbers.find((n) => n.phoneNumberId === inbox.open!.phoneNumberId)?.displayName ?? "",
              attributes: {},
            }}
            onSend={inbox.send}
            nameOf={(agentId) => inbox.nameOf(inbox.open!.phoneNumberId, agentId)}
            actions={
              current && (
                <>
                  <StatusControl conversation={current} onChange={(change) => void changeConversationStatus(change)} />
                  {current.status === "open" && (supervisor || current.assigneeId === props.me.agent.id) && (
                    <button type="button" class="header-button" onClick={() => setTransferring(true)}>
                      {t("action.transfer")}
                    </button>
                  )}
                </>
              )
            }
          />
          {actionError && (
            <p class="error banner" role="alert">
              {actionError}
            </p>
          )}
          {transferring && current && (
            <TransferDialog
              api={props.api}
              phoneNumberId={current.phoneNumberId}
              agents={inbox.agents[current.phoneNumberId] ?? []}
              meId={props.me.agent.id}
              supervisor={supervisor}
              onClose={() => setTransferring(false)}
              onTransfer={async (target) => {
                await inbox.act(props.api.transfer(current.phoneNumberId, current.id, target));
              }}
            />
          )}
        </>
      ) : (
        <>
          <div class="search-box" role="search">
            <label class="visually-hidden" for="search">
              {t("search.label")}
            </label>
            <input id="search" type="search" placeholder={t("search.placeholder")} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </div>
          {query.trim() ? (
            <SearchResults
              api={props.api}
              me={props.me}
              query={query.trim()}
              onOpen={(r) => {
                setFocusMessageId(r.message?.id ?? null);
                inbox.openOne(r.conversation);
              }}
            />
          ) : (
          <>
          <ViewTabs views={views} current={inbox.view} counts={inbox.counts} onChange={inbox.setView} />
          {(
            <div class="filters">
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={inbox.listOptions.unreadOnly}
                  onChange={(e) => inbox.setListOptions({ ...inbox.listOptions, unreadOnly: e.currentTarget.checked })}
                />{" "}
                {t("filter.unread")}
              </label>
              <label for="sort">{t("filter.sort")}</label>
              <select
                id="sort"
                value={inbox.listOptions.sort ?? (inbox.view === "unassigned" ? "waiting" : "newest")}
                onChange={(e) => inbox.setListOptions({ ...inbox.listOptions, sort: e.currentTarget.value as "newest" | "waiting" })}
              >
                <option value="newest">{t("filter.sort.newest")}</option>
                <option value="waiting">{t("filter.sort.waiting")}</option>
              </select>
              <label for="status-filter">{t("filter.status")}</label>
              <select
                id="status-filter"
                value={inbox.listOptions.status ?? ""}
                onChange={(e) => inbox.setListOptions({ ...inbox.listOptions, status: (e.currentTarget.value || null) as "open" | "pending" | null })}
              >
                <option value="">{t("filter.any")}</option>
                <option value="open">{t("filter.status.open")}</option>
                <option value="pending">{t("filter.status.pending")}</option>
              </select>
              {teams.length > 0 && (
                <>
                  <label for="team-filter">{t("filter.team")}</label>
                  <select id="team-filter" value={inbox.listOptions.team ?? ""} onChange={(e) => inbox.setListOptions({ ...inbox.listOptions, team: e.currentTarget.value || null })}>
                    <option value="">{t("filter.any")}</option>
                    {teams.map((team) => (
                      <option value={team.id}>{team.name}</option>
                    ))}
                  </select>
                </>
              )}
              {props.me.numbers.length > 1 && (
                <>
                  <label for="number-filter">{t("filter.number")}</label>
                  <select id="number-filter" value={inbox.listOptions.number ?? ""} onChange={(e) => inbox.setListOptions({ ...inbox.listOptions, number: e.currentTarget.value || null })}>
                    <option value="">{t("filter.any")}</option>
                    {props.me.numbers.map((n) => (
                      <option value={n.phoneNumberId}>{n.displayName}</option>
                    ))}
                  </select>
                </>
              )}
              <label for="tag-filter">{t("filter.tag")}</label>
              <select id="tag-filter" value={inbox.tagFilter ?? ""} onChange={(e) => inbox.setTagFilter(e.currentTarget.value || null)}>
                <option value="">{t("filter.allTags")}</option>
                {(catalog?.tags ?? []).map((tag) => (
                  <option value={tag.id}>{tag.name}</option>
                ))}
              </select>
            </div>
          )}
          <ConversationList
            view={inbox.view}
            conversations={inbox.conversations}
            error={inbox.viewError}
            hasMore={inbox.hasMore}
            onOpen={(c) => inbox.openOne(c)}
            onClaim={async (c) => {
              const claimed = await inbox.act(props.api.conversationAction(c.phoneNumberId, c.id, "claim"));
              inbox.openOne(claimed);
            }}
            onLoadMore={() => void inbox.loadMore()}
            tags={catalog?.tags ?? []}
            numberNames={props.me.numbers.length > 1 ? Object.fromEntries(props.me.numbers.map((n) => [n.phoneNumberId, n.displayName])) : null}
            selected={selected}
            onSelect={setSelected}
          />
          {(picked.length > 0 || bulkActive) && (
            <BulkBar
              api={props.api}
              selected={picked}
              agents={inbox.agents}
              teams={teams}
              tags={catalog?.tags ?? []}
              me={{ id: props.me.agent.id, name: props.me.agent.name }}
              supervisor={supervisor}
              onClear={() => setSelected(new Set())}
              onActive={setBulkActive}
            />
          )}
          </>
          )}
        </>
      )}
    </main>
  );
}
