import { browser, type Browser } from "wxt/browser";
import type { ClientSignal, SocketEvent } from "../../shared/inbox";
import type { LiveState } from "./number-socket";

/**
 * The runtime port between a page (the side panel) and the background, which holds the only live sockets.
 * A page names itself in the port's name, so the background knows when the last side panel has closed.
 */
export type PageName = "sidepanel" | "options";

export interface ConversationRef {
  phoneNumberId: string;
  conversationId: string;
}

/** What the background tells a page. */
export type HubMessage =
  /** Something the number's socket pushed. */
  | { type: "event"; phoneNumberId: string; event: SocketEvent }
  /** Each number's connection; sent whole on every change and when a page connects. */
  | { type: "states"; states: Record<string, LiveState> }
  /** A number's socket (re)connected after replies that waited were sent: fetch what was missed. */
  | { type: "opened"; phoneNumberId: string };

/** What a page tells the background. */
export type PageMessage =
  /** Passed on to the number's socket (what is on screen, typing: the collision guard). */
  | { type: "signal"; phoneNumberId: string; signal: ClientSignal }
  /** The conversation the agent is looking at now (visible page), so it raises no notification. */
  | { type: "looking"; conversation: ConversationRef | null };

export interface HubConnection {
  post(message: PageMessage): void;
  close(): void;
}

/**
 * Connects a page to the background. Chrome ends the port when the service worker restarts (an update, a crash);
 * the page then connects again, which wakes the worker, and `onConnect` lets it repeat what the worker must know.
 */
export function connectHub(page: PageName, onMessage: (message: HubMessage) => void, onConnect: (connection: HubConnection) => void = () => undefined): HubConnection {
  let port: Browser.runtime.Port | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connection: HubConnection = {
    post: (message) => {
      try {
        port?.postMessage(message);
      } catch {
        // the port closed a moment ago: the next connect repeats what matters
      }
    },
    close: () => {
      closed = true;
      clearTimeout(retry);
      port?.disconnect();
    },
  };
  const connect = () => {
    port = browser.runtime.connect({ name: page });
    port.onMessage.addListener((message) => onMessage(message as HubMessage));
    port.onDisconnect.addListener(() => {
      port = null;
      if (!closed) retry = setTimeout(connect, 500);
    });
    onConnect(connection);
  };
  connect();
  return connection;
}
