import { useEffect, useRef, useState } from "preact/hooks";
import type { Conversation, Message, SendMessageRequest, SocketEvent } from "../../shared/inbox";
import type { Me } from "../../shared/people";
import type { NumberAgent } from "../../shared/routing";
import type { ApiClient } from "../lib/api";
import { LiveConnection, type LiveState } from "../lib/live";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A send request before the panel gives it its clientId; defaults the schema fills may be left out. */
export type OutgoingRequest = DistributiveOmit<SendMessageRequest, "clientId"> | { type: "template"; name: string; language: string; header?: string[]; body?: string[] };

export interface OpenConversation {
  phoneNumberId: string;
  conversationId: string;
}

const keyOf = (c: { phoneNumberId: string; id: string }) => `${c.phoneNumberId}:${c.id}`;

/** Merges a message into a list sorted by time, replacing the optimistic copy with the server's. */
function mergeMessage(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.id === message.id || (message.clientId !== null && m.clientId === message.clientId));
  const next = index >= 0 ? list.map((m, i) => (i === index ? message : m)) : [...list, message];
  return next.sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id));
}

/**
 * The agent's live inbox: their conversations over every number they serve, the open conversation's
 * messages, and one socket per number. Each (re)connect refetches, so nothing missed while offline is lost.
 */
export function useInbox(api: ApiClient, me: Me, onUnauthorized: () => void) {
  const [conversations, setConversations] = useState<Map<string, Conversation>>(new Map());
  const [open, setOpen] = useState<OpenConversation | null>(null);
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [live, setLive] = useState<Record<string, LiveState>>({});
  /** Who works on each number, with live status: names for the activity log, the transfer picker. */
  const [agents, setAgents] = useState<Record<string, NumberAgent[]>>({});
  /** Numbers whose WhatsApp token stopped working (admins and supervisors are told). */
  const [unhealthy, setUnhealthy] = useState<Record<string, string>>({});
  const openRef = useRef(open);
  openRef.current = open;

  const belongsInMine = (c: Conversation) => c.assigneeId === me.agent.id && c.status === "open";

  async function refreshNumber(phoneNumberId: string) {
    void api
      .agents(phoneNumberId)
      .then((r) => setAgents((prev) => ({ ...prev, [phoneNumberId]: r.agents })))
      .catch(() => undefined);
    const { conversations: list } = await api.conversations(phoneNumberId, "mine");
    setConversations((prev) => {
      const next = new Map([...prev].filter(([, c]) => c.phoneNumberId !== phoneNumberId));
      for (const c of list) next.set(keyOf(c), c);
      return next;
    });
    const current = openRef.current;
    if (current?.phoneNumberId === phoneNumberId) await loadMessages(current);
  }

  async function loadMessages(target: OpenConversation) {
    const { messages: list } = await api.messages(target.phoneNumberId, target.conversationId);
    if (openRef.current?.conversationId === target.conversationId && openRef.current.phoneNumberId === target.phoneNumberId) {
      setMessages(list);
    }
  }

  function onEvent(event: SocketEvent) {
    if (event.type === "conversation") {
      const c = event.conversation;
      setConversations((prev) => {
        const next = new Map(prev);
        if (belongsInMine(c)) next.set(keyOf(c), c);
        else next.delete(keyOf(c));
        return next;
      });
    } else if (event.type === "agent_status") {
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
      const current = openRef.current;
      if (current && current.conversationId === event.message.conversationId) {
        setMessages((prev) => (prev ? mergeMessage(prev, event.message) : prev));
      }
    }
  }

  useEffect(() => {
    const connections = me.numbers.map(
      (n) =>
        new LiveConnection(api, n.phoneNumberId, {
          onEvent,
          onOpen: () => void refreshNumber(n.phoneNumberId).catch(() => undefined),
          onState: (state) => setLive((prev) => ({ ...prev, [n.phoneNumberId]: state })),
          onUnauthorized,
        }),
    );
    connections.forEach((c) => c.start());
    // Load the lists at once rather than after the socket handshake; each (re)connect then catches up.
    for (const n of me.numbers) void refreshNumber(n.phoneNumberId).catch(() => undefined);
    return () => connections.forEach((c) => c.stop());
  }, [api.serverUrl, me.agent.id]);

  useEffect(() => {
    setMessages(null);
    if (open) void loadMessages(open).catch(() => setMessages([]));
  }, [open?.phoneNumberId, open?.conversationId]);

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
      };
      setMessages((prev) => mergeMessage(prev ?? [], optimistic));
    }
    const stored = await api.send(open.phoneNumberId, open.conversationId, { ...request, clientId } as SendMessageRequest);
    setMessages((prev) => mergeMessage(prev ?? [], stored));
  }

  const liveStates = Object.values(live);
  const overall: LiveState = liveStates.includes("offline")
    ? "offline"
    : liveStates.length > 0 && liveStates.every((s) => s === "live")
      ? "live"
      : "connecting";

  const sorted = [...conversations.values()].sort((a, b) => b.lastMessageAt - a.lastMessageAt);
  const openConversation = open ? (conversations.get(`${open.phoneNumberId}:${open.conversationId}`) ?? null) : null;

  const nameOf = (phoneNumberId: string, agentId: string | null) =>
    agentId === null ? "" : agentId === me.agent.id ? me.agent.name : (agents[phoneNumberId]?.find((a) => a.id === agentId)?.name ?? "…");

  return { conversations: sorted, open, setOpen, openConversation, messages, send, live: overall, unhealthy, agents, nameOf };
}
