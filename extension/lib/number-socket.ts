import ReconnectingWebSocket from "partysocket/ws";
import type { ClientSignal, SocketEvent } from "../../shared/inbox";
import { ApiError, type ApiClient } from "./api";
import { readFrame } from "../../shared/socket-frame";

export type LiveState = "connecting" | "live" | "offline";

/**
 * Under Chrome's 30 s idle limit for an extension's service worker: a WebSocket message in either direction
 * keeps the worker alive (Chrome 116+), and the number's object answers "ping" itself without waking up.
 */
export const PING_EVERY_MS = 20_000;

export interface NumberSocket {
  /** Tells the server what is on screen or that the agent types; dropped while offline (it is only a hint). */
  signal(signal: ClientSignal): void;
  close(): void;
}

/**
 * One number's live socket, reconnecting by itself with growing delays (worker restart, network drop, sleep):
 * partysocket's ReconnectingWebSocket, which needs neither `window` nor `document`, so the background service
 * worker and the options page share it. Each attempt asks for a fresh single-use ticket; a 401 there means the
 * session ended, and the socket stops for good.
 */
export function openNumberSocket(
  api: ApiClient,
  phoneNumberId: string,
  handlers: {
    onEvent: (event: SocketEvent) => void;
    /** Connected (again): whatever happened meanwhile must be fetched. */
    onOpen: () => void;
    onState: (state: LiveState) => void;
    onUnauthorized: () => void;
    /** Watch the number (the console's floor) rather than work in it: does not make the person present. */
    watchOnly?: boolean;
  },
): NumberSocket {
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  const url = async () => {
    try {
      const { ticket } = await api.socketTicket(phoneNumberId);
      return api.socketUrl(phoneNumberId, ticket, handlers.watchOnly);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        socket.close();
        handlers.onUnauthorized();
      } else handlers.onState("offline");
      throw error;
    }
  };
  const socket = new ReconnectingWebSocket(url, [], {
    // Spread over 1–2 s so a restarted worker is not met by every panel in the same instant; at most 10 s apart.
    minReconnectionDelay: 1_000 + Math.random() * 1_000,
    maxReconnectionDelay: 10_000,
    connectionTimeout: 8_000,
  });
  handlers.onState("connecting");
  socket.onopen = () => {
    handlers.onState("live");
    handlers.onOpen();
    clearInterval(pingTimer);
    pingTimer = setInterval(() => socket.readyState === socket.OPEN && socket.send("ping"), PING_EVERY_MS);
  };
  socket.onmessage = (message: MessageEvent) => {
    let events: SocketEvent[];
    try {
      events = readFrame(String(message.data));
    } catch {
      return; // a frame we cannot read
    }
    for (const event of events) handlers.onEvent(event);
  };
  socket.onclose = () => {
    clearInterval(pingTimer);
    if (socket.shouldReconnect) handlers.onState("offline");
  };
  return {
    signal: (signal) => {
      // Not queued by partysocket: a stale "viewing" must not replay after a reconnect.
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(signal));
    },
    close: () => {
      clearInterval(pingTimer);
      socket.close(1000, "closed");
    },
  };
}
