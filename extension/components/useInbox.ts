import { useEffect, useRef, useState } from "preact/hooks";
import type { CollisionViewer, Conversation, ConversationCounts, ConversationView, Message, SendMessageRequest, SocketEvent } from "../../shared/inbox";
import type { Me } from "../../shared/people";
import type { NumberAgent } from "../../shared/routing";
import type { ApiClient } from "../lib/api";
import { connectHub, type HubConnection, type HubMessage } from "../lib/live-port";
import type { LiveState } from "../lib/number-socket";
import { pendingReplies, sendOrKeep } from "../lib/outbox";
import { pendingOpenItem } from "../lib/session-store";
import { belongsToView, compareInView, conversationKey } from "../lib/views";
import { applyTicks } from "./ticks";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A send request before the panel gives it its clientId; defaults the schema fills may be left out. */
export type OutgoingRequest = DistributiveOmit<SendMessageRequest, "clientId"> | { type: "template"; name: string; language: string; header?: string[]; body?: string[] };

/** What the list shows beyond its view: unread only, order, status, team, number. */
export interface ListOptions {
  unreadOnly: boolean;
  sort: "newest" | "waiting" | null;
  status: "open" | "pending" | null;
  team: string | null;
  number: string | null;
}

export interface OpenConversation {
  phoneNumberId: string;
  conversationId: string;
}

const keyOf = conversationKey;

/** Merges a message into a list sorted by time, replacing the optimistic copy with the server's. */
function mergeMessage(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.id === message.id || (message.clientId !== null && m.clientId === message.clientId));
  const next = index >= 0 ? list.map((m, i) => (i === index ? message : m)) : [...list, message];
  return next.sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id));
}

/**
 * The agent's live inbox: their conversations over every number they serve and the open conversation's messages,
 * kept live by the background's sockets (one per number, held by the service worker) through a runtime port. Each
 * socket (re)connect refetches, so nothing missed while offline is lost.
 */
export function useInbox(api: ApiClient, me: Me, onUnauthorized: () => void, onMyStatus: (status: Me["agent"]["status"]) => void = () => undefined) {
  const [view, setViewState] = useState<ConversationView>("mine");
  const [conversations, setConversations] = useState<Map<string, Conversation>>(new Map());
  const conversationsRef = useRef(conversations);
  conversationsRef.current = conversations;
  const [counts, setCounts] = useState<Record<string, ConversationCounts>>({});
  const [viewError, setViewError] = useState<string | null>(null);
  const [open, setOpen] = useState<OpenConversation | null>(null);
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [live, setLive] = useState<Record<string, LiveState>>({});
  /** Who works on each number, with live status: names for the activity log, the transfer picker. */
  const [agents, setAgents] = useState<Record<string, NumberAgent[]>>({});
  /** Colleagues looking at (or typing in) the open conversation. */
  const [collision, setCollision] = useState<{ conversationId: string; viewers: CollisionViewer[] } | null>(null);
  const hubRef = useRef<HubConnection | null>(null);
  /** Numbers whose WhatsApp token stopped working (admins and supervisors are told). */
  const [unhealthy, setUnhealthy] = useState<Record<string, string>>({});
  /** Bumped when a supervisor changes tags, attributes or canned responses, so the catalog is fetched again. */
  const [catalogVersion, setCatalogVersion] = useState(0);
  /** Bumped per customer (`number:contact`) when their details change, so a customer panel open on them reads them again. */
  const [contactVersions, setContactVersions] = useState<Record<string, number>>({});
  const openRef = useRef(open);
  openRef.current = open;
  const viewRef = useRef(view);
  viewRef.current = view;
  /** Only customers with this tag, or everyone. */
  const [tagFilter, setTagFilterState] = useState<string | null>(null);
  const tagRef = useRef(tagFilter);
  tagRef.current = tagFilter;
  /** Unread only, and the order: newest activity or longest waiting. */
  const [listOptions, setListOptionsState] = useState<ListOptions>({ unreadOnly: false, sort: null, status: null, team: null, number: null });
  const optionsRef = useRef(listOptions);
  optionsRef.current = listOptions;
  const filters = () => ({
    tag: tagRef.current,
    unreadOnly: optionsRef.current.unreadOnly,
    sort: optionsRef.current.sort ?? undefined,
    status: optionsRef.current.status,
    team: optionsRef.current.team,
  });
  /** Live events pass the same filters the API applied (the team filter is re-checked when the list reloads). */
  const inView = (c: Conversation) =>
    belongsToView(viewRef.current, c, viewer) &&
    (tagRef.current === null || c.tags.includes(tagRef.current)) &&
    (!optionsRef.current.unreadOnly || c.unread > 0) &&
    (optionsRef.current.status === null || c.status === optionsRef.current.status) &&
    (optionsRef.current.number === null || c.phoneNumberId === optionsRef.current.number);
  /** Next page of the current view, per number; null once a number has no more. */
  const cursors = useRef<Record<string, string | null>>({});
  const countTimers = useRef<Record<string, ReturnType<typeof setTimeout>>>({});
  /**
   * Conversation events numbered as they arrive. A page fetched before an event but answered after it would
   * otherwise drop or stale that conversation; events newer than the request are applied again on top.
   */
  const eventLog = useRef<{ version: number; conversation: Conversation }[]>([]);
  const eventVersion = useRef(0);
  const viewer = { id: me.agent.id, supervisor: me.agent.role !== "agent" };
  const meRef = useRef(me);
  meRef.current = me;

  function refreshCounts(phoneNumberId: string, delay = 0) {
    clearTimeout(countTimers.current[phoneNumberId]);
    // Debounced: a burst of events costs one count.
    countTimers.current[phoneNumberId] = setTimeout(() => {
      api
        .counts(phoneNumberId)
        .then((c) => setCounts((prev) => ({ ...prev, [phoneNumberId]: c })))
        .catch(() => undefined);
    }, delay);
  }

  /** The first page of the current view for one number replaces what the list held for it. */
  async function loadFirstPage(phoneNumberId: string, forView: ConversationView) {
    const since = eventVersion.current;
    try {
      const page = await api.conversations(phoneNumberId, forView, null, filters());
      if (viewRef.current !== forView) return;
      cursors.current[phoneNumberId] = page.nextCursor;
      setViewError(null);
      setConversations((prev) => {
        const next = new Map([...prev].filter(([, c]) => c.phoneNumberId !== phoneNumberId));
        for (const c of page.conversations) next.set(keyOf(c), c);
        for (const { version, conversation } of eventLog.current) {
          if (version <= since || conversation.phoneNumberId !== phoneNumberId) continue;
          if (inView(conversation)) next.set(keyOf(conversation), conversation);
          else next.delete(keyOf(conversation));
        }
        return next;
      });
    } catch (error) {
      if (viewRef.current === forView) setViewError((error as Error).message);
    }
  }

  async function loadMore() {
    const forView = viewRef.current;
    for (const [phoneNumberId, cursor] of Object.entries(cursors.current)) {
      if (!cursor) continue;
      const page = await api.conversations(phoneNumberId, forView, cursor, filters());
      if (viewRef.current !== forView) return;
      cursors.current[phoneNumberId] = page.nextCursor;
      setConversations((prev) => {
        const next = new Map(prev);
        for (const c of page.conversations) next.set(keyOf(c), c);
        return next;
      });
    }
  }

  function setListOptions(next: ListOptions) {
    optionsRef.current = next;
    setListOptionsState(next);
    setView(viewRef.current);
  }

  function setTagFilter(tag: string | null) {
    tagRef.current = tag;
    setTagFilterState(tag);
    setView(viewRef.current);
  }

  function setView(next: ConversationView) {
    viewRef.current = next;
    setViewState(next);
    setConversations(new Map());
    cursors.current = {};
    for (const n of me.numbers) {
      if (optionsRef.current.number && optionsRef.current.number !== n.phoneNumberId) continue;
      void loadFirstPage(n.phoneNumberId, next);
      refreshCounts(n.phoneNumberId);
    }
  }

  async function refreshNumber(phoneNumberId: string) {
    // The list first: the agent waits for it; the colleagues (for transfers) and the tab counts follow it, so
    // they never queue ahead of it in the number's object.
    const listed = loadFirstPage(phoneNumberId, viewRef.current);
    void listed.then(() => {
      refreshCounts(phoneNumberId);
      return api.agents(phoneNumberId).then((r) => setAgents((prev) => ({ ...prev, [phoneNumberId]: r.agents })));
    }).catch(() => undefined);
    await listed;
    const current = openRef.current;
    if (current?.phoneNumberId === phoneNumberId) await loadMessages(current);
  }

  async function loadMessages(target: OpenConversation) {
    const shown = () => openRef.current?.conversationId === target.conversationId && openRef.current.phoneNumberId === target.phoneNumberId;
    const waiting = await pendingReplies(api.serverUrl, target.conversationId);
    const asMessages = waiting.map((p) => pendingMessage(p.request, target.conversationId, p.createdAt));
    try {
      const { messages: list } = await api.messages(target.phoneNumberId, target.conversationId);
      if (shown()) setMessages(asMessages.reduce(mergeMessage, list));
    } catch (error) {
      // Offline: show what we have, including replies still waiting to be sent.
      if (shown()) setMessages((prev) => asMessages.reduce(mergeMessage, prev ?? []));
      throw error;
    }
  }

  function pendingMessage(request: SendMessageRequest, conversationId: string, timestamp: number): Message {
    return {
      id: `local-${request.clientId}`,
      conversationId,
      direction: "out",
      kind: request.type === "media" ? request.mediaKind : request.type,
      text: request.type === "text" ? request.text : null,
      content: {},
      wamid: null,
      status: "pending",
      error: null,
      authorId: me.agent.id,
      clientId: request.clientId,
      timestamp,
      origin: null,
    };
  }

  function onEvent(event: SocketEvent, phoneNumberId: string) {
    if (event.type === "conversation") {
      const c = event.conversation;
      eventLog.current.push({ version: ++eventVersion.current, conversation: c });
      if (eventLog.current.length > 500) eventLog.current.splice(0, 250);
      setConversations((prev) => {
        const next = new Map(prev);
        if (inView(c)) next.set(keyOf(c), c);
        else next.delete(keyOf(c));
        return next;
      });
      refreshCounts(c.phoneNumberId, 300);
    } else if (event.type === "collision") {
      if (openRef.current?.conversationId === event.conversationId) setCollision(event);
    } else if (event.type === "contact_changed") {
      const key = `${phoneNumberId}:${event.contactId}`;
      setContactVersions((prev) => ({ ...prev, [key]: (prev[key] ?? 0) + 1 }));
    } else if (event.type === "catalog_changed") {
      setCatalogVersion((v) => v + 1);
    } else if (event.type === "revoked") {
      // Deactivated by a supervisor: the server closed the socket on purpose and the token no longer works.
      onUnauthorized();
    } else if (event.type === "agent_status") {
      // A supervisor may set my status from the console: the toggle follows.
      if (event.agentId === meRef.current.agent.id && event.status !== meRef.current.agent.status) onMyStatus(event.status);
      setAgents((prev) =>
        Object.fromEntries(
          Object.entries(prev).map(([number, list]) => [
            number,
            list.map((a) => (a.id === event.agentId ? { ...a, status: event.status, connected: event.connected, present: event.present } : a)),
          ]),
        ),
      );
    } else if (event.type === "number_health") {
      setUnhealthy((prev) => {
        const next = { ...prev };
        if (event.tokenValid) delete next[event.phoneNumberId];
        else next[event.phoneNumberId] = event.detail;
        return next;
      });
    } else if (event.type === "message") {
      // Conversation ids are the number's own: the same id on another number is another conversation.
      const current = openRef.current;
      if (current && current.phoneNumberId === phoneNumberId && current.conversationId === event.message.conversationId) {
        setMessages((prev) => (prev ? mergeMessage(prev, event.message) : prev));
      }
    } else if (event.type === "ticks") {
      const current = openRef.current;
      const ticks = current?.phoneNumberId === phoneNumberId ? event.ticks.filter((t) => t.conversationId === current.conversationId) : [];
      if (ticks.length > 0) setMessages((prev) => (prev ? applyTicks(prev, ticks) : prev));
    }
  }

  useEffect(() => {
    const onHub = (message: HubMessage) => {
      if (message.type === "event") onEvent(message.event, message.phoneNumberId);
      else if (message.type === "states") setLive(message.states);
      else if (message.type === "opened") void refreshNumber(message.phoneNumberId).catch(() => undefined);
    };
    // On every (re)connect the background hears again what this page shows.
    hubRef.current = connectHub("sidepanel", onHub, (hub) => {
      const current = openRef.current;
      if (current) hub.post({ type: "signal", phoneNumberId: current.phoneNumberId, signal: { type: "viewing", conversationId: current.conversationId } });
      tellLooking(hub);
    });
    // Load the lists at once rather than after the socket handshake; each (re)connect then catches up.
    for (const n of me.numbers) void refreshNumber(n.phoneNumberId).catch(() => undefined);
    const onVisibility = () => hubRef.current && tellLooking(hubRef.current);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      hubRef.current?.close();
      hubRef.current = null;
    };
  }, [api.serverUrl, me.agent.id]);

  /** No desktop notification for the conversation the agent has in front of them. */
  function tellLooking(hub: HubConnection) {
    const current = openRef.current;
    hub.post({ type: "looking", conversation: current && document.visibilityState === "visible" ? current : null });
  }

  useEffect(() => {
    setMessages(null);
    setCollision(null);
    if (open) void loadMessages(open).catch(() => setMessages([]));
    // The collision guard: colleagues see that this conversation is open here.
    const hub = hubRef.current;
    if (!hub) return;
    for (const n of me.numbers) {
      hub.post({ type: "signal", phoneNumberId: n.phoneNumberId, signal: { type: "viewing", conversationId: open?.phoneNumberId === n.phoneNumberId ? open.conversationId : null } });
    }
    tellLooking(hub);
  }, [open?.phoneNumberId, open?.conversationId]);

  function signalTyping() {
    if (open) hubRef.current?.post({ type: "signal", phoneNumberId: open.phoneNumberId, signal: { type: "typing", conversationId: open.conversationId } });
  }

  /** Sends anything the API accepts; text shows at once as pending, everything gets a fresh clientId. */
  async function send(request: OutgoingRequest) {
    if (!open) return;
    const clientId = crypto.randomUUID();
    if (request.type === "text") {
      const optimistic: Message = {
        id: `local-${clientId}`,
        conversationId: open.conversationId,
        direction: "out",
        kind: "text",
        text: request.text,
        content: {},
        wamid: null,
        status: "pending",
        error: null,
        authorId: me.agent.id,
        clientId,
        timestamp: Date.now(),
        origin: null,
      };
      setMessages((prev) => mergeMessage(prev ?? [], optimistic));
    }
    const stored = await sendOrKeep(api, {
      serverUrl: api.serverUrl,
      phoneNumberId: open.phoneNumberId,
      conversationId: open.conversationId,
      request: { ...request, clientId } as SendMessageRequest,
      createdAt: Date.now(),
    });
    if (stored) setMessages((prev) => mergeMessage(prev ?? [], stored));
  }

  const liveStates = me.numbers.map((n) => live[n.phoneNumberId] ?? "connecting");
  const overall: LiveState = liveStates.includes("offline")
    ? "offline"
    : liveStates.length > 0 && liveStates.every((s) => s === "live")
      ? "live"
      : "connecting";

  const sorted = [...conversations.values()].sort(compareInView(view, listOptions.sort));
  useEffect(() => {
    // A clicked notification asks for its conversation.
    const open = async (target: { phoneNumberId: string; conversationId: string; reply?: boolean } | null) => {
      if (!target) return;
      void pendingOpenItem.setValue(null);
      // Mine first; a mention may be a colleague's conversation, a waiting customer may be in the queue.
      const views: ConversationView[] = viewer.supervisor ? ["mine", "unassigned", "all", "resolved"] : ["mine", "unassigned", "resolved"];
      for (const view of views) {
        const page = await api.conversations(target.phoneNumberId, view, null, {}, 200).catch(() => null);
        const found = page?.conversations.find((c) => c.id === target.conversationId);
        if (!found) continue;
        openOne(found);
        if (target.reply) setReplyRequested((n) => n + 1);
        return;
      }
    };
    void pendingOpenItem.getValue().then(open);
    return pendingOpenItem.watch(open);
  }, []);
  const [opened, setOpened] = useState<Conversation | null>(null);
  /** Bumped when a notification's "Reply" opened a conversation: the reply box takes the cursor. */
  const [replyRequested, setReplyRequested] = useState(0);
  const openConversation = open ? (conversations.get(`${open.phoneNumberId}:${open.conversationId}`) ?? opened) : null;
  const totalCounts = Object.values(counts).reduce<ConversationCounts>(
    (sum, c) => ({ mine: sum.mine + c.mine, unassigned: sum.unassigned + c.unassigned, all: sum.all + c.all, resolved: sum.resolved + c.resolved }),
    { mine: 0, unassigned: 0, all: 0, resolved: 0 },
  );
  const hasMore = Object.values(cursors.current).some(Boolean);

  /** Opens a conversation, keeping it on screen even if an action moves it out of the current view. */
  function openOne(c: Conversation | null) {
    setOpened(c);
    setOpen(c ? { phoneNumberId: c.phoneNumberId, conversationId: c.id } : null);
  }

  /** Resolve, reopen, claim or transfer; the answer replaces the conversation at once, events follow for everyone. */
  async function act(action: Promise<Conversation>) {
    const updated = await action;
    setOpened(updated);
    setConversations((prev) => {
      const next = new Map(prev);
      if (inView(updated)) next.set(keyOf(updated), updated);
      else next.delete(keyOf(updated));
      return next;
    });
    refreshCounts(updated.phoneNumberId);
    return updated;
  }

  const nameOf = (phoneNumberId: string, agentId: string | null) =>
    agentId === null ? "" : agentId === me.agent.id ? me.agent.name : (agents[phoneNumberId]?.find((a) => a.id === agentId)?.name ?? "…");

  return {
    catalogVersion,
    contactVersion: (phoneNumberId: string, contactId: string) => contactVersions[`${phoneNumberId}:${contactId}`] ?? 0,
    view,
    setView,
    tagFilter,
    setTagFilter,
    listOptions,
    setListOptions,
    viewError,
    counts: totalCounts,
    hasMore,
    loadMore,
    conversations: sorted,
    open,
    openOne,
    act,
    openConversation,
    messages,
    send,
    live: overall,
    unhealthy,
    agents,
    nameOf,
    replyRequested,
    collision: collision?.conversationId === open?.conversationId ? (collision?.viewers.filter((v) => v.agentId !== me.agent.id) ?? []) : [],
    signalTyping,
  };
}
