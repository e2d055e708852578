import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { contactLabel } from "../../shared/contact-label";
import type { Conversation, SocketEvent } from "../../shared/inbox";
import type { ConsoleClient } from "../lib/console-api";
import type { LiveState } from "../lib/number-socket";
import { watchNumbers } from "./watch-numbers";
import { messageOf } from "./ErrorAlert";
import { applyAgentStatus, applyConversation, applyNumberAgents, fromFloor, type FloorState } from "./floor-state";
import { tr } from "./strings";

/**
 * The floor, kept live by one socket per number (no polling). Each (re)connect reads that number's agents and,
 * once the burst of connects settles, the floor again: whatever happened while a socket was down is caught up.
 * Changes worth telling are returned as a sentence for a polite live region. Parts of the floor that keep their own
 * list (an agent's conversations) `subscribe` to the conversations the sockets report, and read again when `synced`
 * changes: the floor was just read again after a socket (re)connected.
 */
export function useFloor(api: ConsoleClient, onSignOut: () => void) {
  const [state, setState] = useState<FloorState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<Record<string, LiveState>>({});
  const [announcement, setAnnouncement] = useState("");
  const [synced, setSynced] = useState(0);
  const listeners = useRef(new Set<(conversation: Conversation) => void>());
  const subscribe = useCallback((listener: (conversation: Conversation) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  // Socket events can arrive several per render; each applies on top of the last, not of the rendered state.
  const current = useRef<FloorState | null>(null);

  function update(change: (state: FloorState) => FloorState): [FloorState, FloorState] | null {
    const before = current.current;
    if (!before) return null;
    const after = change(before);
    current.current = after;
    setState(after);
    return [before, after];
  }

  useEffect(() => {
    let stopped = false;
    let stopWatching: () => void = () => {};
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;

    const refetch = () => {
      clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => {
        api
          .floor()
          .then((floor) => {
            if (stopped) return;
            update((before) => fromFloor(floor, before));
            setSynced((n) => n + 1);
          })
          .catch((e: unknown) => setError(messageOf(e)));
      }, 300);
    };

    const onEvent = (phoneNumberId: string, event: SocketEvent) => {
      if (event.type === "revoked") return onSignOut();
      if (event.type === "agent_status") {
        const change = update((s) => applyAgentStatus(s, phoneNumberId, event));
        const news = change && agentNews(change, event.agentId);
        if (news) setAnnouncement(news);
      }
      if (event.type === "conversation") {
        const change = update((s) => applyConversation(s, event.conversation));
        const news = change && queueNews(change, event.conversation);
        if (news) setAnnouncement(news);
        for (const listener of listeners.current) listener(event.conversation);
      }
    };

    api
      .floor()
      .then((floor) => {
        if (stopped) return;
        current.current = fromFloor(floor);
        setState(current.current);
        stopWatching = watchNumbers(
          api,
          floor.queues.map((q) => q.phoneNumberId),
          {
            onEvent,
            onOpen: (phoneNumberId) => {
              api
                .agents(phoneNumberId)
                .then((r) => !stopped && update((s) => applyNumberAgents(s, phoneNumberId, r.agents)))
                .catch(() => undefined);
              refetch();
            },
            onState: (phoneNumberId, s) => setLive((prev) => ({ ...prev, [phoneNumberId]: s })),
            onUnauthorized: onSignOut,
          },
        );
      })
      .catch((e: unknown) => setError(messageOf(e)));

    return () => {
      stopped = true;
      clearTimeout(refetchTimer);
      stopWatching();
    };
  }, [api]);

  return { state, error, live, announcement, subscribe, synced };
}

function agentNews([before, after]: [FloorState, FloorState], agentId: string): string {
  const was = before.agents.find((a) => a.id === agentId);
  const is = after.agents.find((a) => a.id === agentId);
  if (!was || !is || was.status === is.status) return "";
  return tr(is.status === "available" ? "options.floor.nowAvailable" : "options.floor.nowAway", { name: is.name });
}

function queueNews([before, after]: [FloorState, FloorState], conversation: Conversation): string {
  const waitingIn = (state: FloorState) => state.queues.find((q) => q.phoneNumberId === conversation.phoneNumberId)?.waiting.some((w) => w.conversationId === conversation.id);
  const name = contactLabel(conversation.contact) ?? "";
  const wasWaiting = waitingIn(before);
  const isWaiting = waitingIn(after);
  if (!wasWaiting && isWaiting) {
    const number = after.queues.find((q) => q.phoneNumberId === conversation.phoneNumberId)?.displayName ?? "";
    return tr("options.floor.newWaiting", { name, number });
  }
  if (wasWaiting && !isWaiting) {
    const agent = after.agents.find((a) => a.id === conversation.assigneeId)?.name;
    return agent ? tr("options.floor.assignedTo", { name, agent }) : tr("options.floor.leftQueue", { name });
  }
  return "";
}
