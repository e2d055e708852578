import type { ClientSignal, SocketEvent } from "../../shared/inbox";
import type { ApiClient } from "./api";

export type LiveState = "connecting" | "live" | "offline";

/**
 * One number's live socket. Reconnects by itself with growing delays (worker restart, network drop,
 * laptop sleep) and calls `onOpen` each time it is back, so the panel can fetch what it missed.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly phoneNumberId: string,
    private readonly handlers: {
      onEvent: (event: SocketEvent) => void;
      onOpen: () => void;
      onState: (state: LiveState) => void;
      onUnauthorized: () => void;
      /** Watch the number (the console's floor) rather than work in it. */
      watchOnly?: boolean;
    },
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
    addEventListener("online", this.reconnectNow);
  }

  /** Tells the server what this panel shows or that the agent types; dropped quietly while offline. */
  signal(signal: ClientSignal): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(signal));
  }

  stop(): void {
    this.stopped = true;
    removeEventListener("online", this.reconnectNow);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.socket?.close(1000, "signed out");
  }

  private readonly reconnectNow = () => {
    if (this.socket?.readyState === WebSocket.OPEN) return;
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    void this.connect();
  };

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.handlers.onState("connecting");
    let ticket: string;
    try {
      ticket = (await this.api.socketTicket(this.phoneNumberId)).ticket;
    } catch (error) {
      if ((error as { status?: number }).status === 401) return this.handlers.onUnauthorized();
      return this.retryLater();
    }
    const socket = new WebSocket(this.api.socketUrl(this.phoneNumberId, ticket, this.handlers.watchOnly));
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.handlers.onState("live");
      this.handlers.onOpen();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("ping"), 25_000);
    };
    socket.onmessage = (message) => {
      if (message.data === "pong") return;
      try {
        this.handlers.onEvent(JSON.parse(String(message.data)) as SocketEvent);
      } catch {
        // ignore a frame we cannot read
      }
    };
    socket.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.socket === socket) this.retryLater();
    };
  }

  private retryLater(): void {
    if (this.stopped) return;
    this.handlers.onState("offline");
    const delay = Math.min(10_000, 300 * 2 ** this.attempts++) * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
