import { browser, type Browser } from "wxt/browser";
import type { SocketEvent } from "../../shared/inbox";
import type { Me } from "../../shared/people";
import { ApiClient, ApiError } from "../lib/api";
import { DEFAULT_ATTENTION, type AttentionSettings } from "../lib/attention-policy";
import type { ConversationRef, HubMessage, PageMessage } from "../lib/live-port";
import { openNumberSocket, type LiveState, type NumberSocket } from "../lib/number-socket";
import { flushPending } from "../lib/outbox";
import { sessionItem, type StoredSession } from "../lib/session-store";
import type { Notifier } from "./notifier";

/** A reload closes the panel's port for a moment; only a panel still closed after this counts as closed. */
export const PANEL_CLOSED_AFTER_MS = 3_000;

/**
 * The one live connection per browser: a socket per number the signed-in agent works on, held by the background
 * service worker whether or not a panel is open, so the agent stays present (and routable) while the browser runs.
 * Pages connect over runtime ports and receive every event from here; the notifier hears them too.
 */
export class LiveHub {
  private session: StoredSession | null = null;
  private me: Me | null = null;
  private api: ApiClient | null = null;
  private sockets = new Map<string, NumberSocket>();
  private states: Record<string, LiveState> = {};
  /** Each page, the conversation it looks at (visible) and what it told each number's socket it shows. */
  private ports = new Map<Browser.runtime.Port, { looking: ConversationRef | null; viewing: Map<string, string | null> }>();
  private settings: AttentionSettings = DEFAULT_ATTENTION;
  private panelClosedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts my own agent_status events, so an older GET /me answer does not undo a newer status. */
  private statusChanges = 0;

  constructor(private readonly notifier: Notifier) {}

  /** Signed in, out, or a fresher `me` stored by a page. */
  useSession(next: StoredSession | null): void {
    if (next?.token !== this.session?.token || next?.serverUrl !== this.session?.serverUrl) {
      this.closeAll();
      this.session = next;
      this.api = next ? new ApiClient(next.serverUrl, next.token) : null;
      this.setMe(next?.me ?? null);
      if (next) void this.refreshMe();
      return;
    }
    // A page stored a fresher `me` (numbers, name). The status the hub knows comes from the server itself (the
    // socket's agent_status events, GET /me on each connect), which a page's copy may trail.
    if (next?.me) this.setMe(this.me ? { ...next.me, agent: { ...next.me.agent, status: this.me.agent.status } } : next.me);
  }

  useSettings(settings: AttentionSettings): void {
    this.settings = settings;
    this.notifier.setSettings(settings);
  }

  /** The server's word on who I am and which numbers I serve; a 401 means the session is over. */
  private async refreshMe(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const before = this.statusChanges;
    try {
      const me = await api.me();
      if (api !== this.api) return;
      // A status event that came while GET /me was on its way is newer than its answer.
      this.setMe(before === this.statusChanges || !this.me ? me : { ...me, agent: { ...me.agent, status: this.me.agent.status } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) await this.signOut();
      // Offline: the sockets keep trying with the numbers stored at sign-in.
    }
  }

  private setMe(me: Me | null): void {
    this.me = me;
    this.notifier.setMe(me);
    this.reconcile();
  }

  /** One socket per number I serve: opens the new ones, closes those I no longer serve. */
  private reconcile(): void {
    const api = this.api;
    const wanted = new Set(api ? (this.me?.numbers ?? []).map((n) => n.phoneNumberId) : []);
    for (const [phoneNumberId, socket] of this.sockets) {
      if (wanted.has(phoneNumberId)) continue;
      socket.close();
      this.sockets.delete(phoneNumberId);
      delete this.states[phoneNumberId];
    }
    if (!api) return this.broadcast({ type: "states", states: this.states });
    for (const phoneNumberId of wanted) {
      if (this.sockets.has(phoneNumberId)) continue;
      this.sockets.set(
        phoneNumberId,
        openNumberSocket(api, phoneNumberId, {
          onEvent: (event) => this.onEvent(phoneNumberId, event),
          onOpen: () => {
            // A fresh socket knows nothing of what is on screen: the collision guard is told again.
            const viewing = this.viewingOn(phoneNumberId);
            if (viewing) this.sockets.get(phoneNumberId)?.signal({ type: "viewing", conversationId: viewing });
            // And whether a side panel is open: the floor shows "Available · panel closed".
            this.sockets.get(phoneNumberId)?.signal({ type: "panel", open: this.panelOpen() });
            void this.onOpen(api, phoneNumberId);
          },
          onState: (state) => {
            this.states = { ...this.states, [phoneNumberId]: state };
            this.broadcast({ type: "states", states: this.states });
          },
          onUnauthorized: () => void this.signOut(),
        }),
      );
    }
    this.broadcast({ type: "states", states: this.states });
  }

  private onEvent(phoneNumberId: string, event: SocketEvent): void {
    // Deactivated or removed by a supervisor: the server closed the socket on purpose and the token is dead.
    if (event.type === "revoked") return void this.signOut();
    if (event.type === "agent_status" && this.me && event.agentId === this.me.agent.id && event.status !== this.me.agent.status) {
      this.statusChanges++;
      this.setMe({ ...this.me, agent: { ...this.me.agent, status: event.status } });
    }
    this.broadcast({ type: "event", phoneNumberId, event });
    this.notifier.onEvent(phoneNumberId, event);
  }

  /** Back online: replies typed meanwhile go first (each once, by its clientId), then pages and badge catch up. */
  private async onOpen(api: ApiClient, phoneNumberId: string): Promise<void> {
    // Whatever changed while the socket was down (status set from the console, numbers added) is read again.
    void this.refreshMe();
    await flushPending(api, () => undefined).catch(() => undefined);
    if (api !== this.api) return;
    this.broadcast({ type: "opened", phoneNumberId });
    await this.notifier.resync(api, phoneNumberId).catch(() => undefined);
  }

  private async signOut(): Promise<void> {
    this.closeAll();
    // Every page follows the stored session: the panel shows sign-in, the options page too.
    await sessionItem.setValue(null);
  }

  private closeAll(): void {
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
    this.states = {};
    this.broadcast({ type: "states", states: {} });
  }

  // ---- pages ----

  connectPage(port: Browser.runtime.Port): void {
    // Only this extension's own pages may listen (runtime.connect from elsewhere needs externally_connectable).
    if (port.sender?.id !== browser.runtime.id) return port.disconnect();
    this.ports.set(port, { looking: null, viewing: new Map() });
    if (port.name === "sidepanel") {
      clearTimeout(this.panelClosedTimer);
      this.tellPanel(true);
    }
    port.postMessage({ type: "states", states: this.states } satisfies HubMessage);
    port.onMessage.addListener((message) => this.fromPage(port, message as PageMessage));
    port.onDisconnect.addListener(() => {
      const closed = this.ports.get(port);
      this.ports.delete(port);
      this.lookingChanged();
      // The socket outlives the panel: colleagues must stop seeing this agent in the conversation it showed.
      for (const [phoneNumberId, conversationId] of closed?.viewing ?? []) {
        if (conversationId) this.sockets.get(phoneNumberId)?.signal({ type: "viewing", conversationId: this.viewingOn(phoneNumberId) });
      }
      if (port.name === "sidepanel" && !this.panelOpen()) {
        clearTimeout(this.panelClosedTimer);
        this.panelClosedTimer = setTimeout(() => void this.panelClosed(), PANEL_CLOSED_AFTER_MS);
      }
    });
  }

  private fromPage(port: Browser.runtime.Port, message: PageMessage): void {
    const page = this.ports.get(port);
    if (!page) return;
    if (message.type === "signal") {
      if (message.signal.type === "viewing") page.viewing.set(message.phoneNumberId, message.signal.conversationId);
      this.sockets.get(message.phoneNumberId)?.signal(message.signal);
    }
    if (message.type === "looking") {
      page.looking = message.conversation;
      this.lookingChanged();
    }
  }

  /** The conversation some open page shows on this number, if any. */
  private viewingOn(phoneNumberId: string): string | null {
    for (const page of this.ports.values()) {
      const conversationId = page.viewing.get(phoneNumberId);
      if (conversationId) return conversationId;
    }
    return null;
  }

  private lookingChanged(): void {
    this.notifier.setLooking([...this.ports.values()].flatMap((page) => (page.looking ? [page.looking] : [])));
  }

  private panelOpen(): boolean {
    return [...this.ports.keys()].some((p) => p.name === "sidepanel");
  }

  /** Every number's socket says whether a side panel is open; the server keeps it per agent for the floor. */
  private tellPanel(open: boolean): void {
    for (const socket of this.sockets.values()) socket.signal({ type: "panel", open });
  }

  /** The last side panel closed (not a reload): the floor is told, and the agent's own rule may set them Away. */
  private async panelClosed(): Promise<void> {
    if (this.panelOpen()) return;
    this.tellPanel(false);
    if (!this.settings.awayOnPanelClose || !this.api || this.me?.agent.status !== "available") return;
    const agent = await this.api.setStatus("away").catch(() => null);
    if (!agent || !this.me) return;
    this.setMe({ ...this.me, agent });
    const stored = await sessionItem.getValue();
    if (stored && stored.token === this.session?.token) await sessionItem.setValue({ ...stored, me: this.me });
  }

  private broadcast(message: HubMessage): void {
    for (const port of this.ports.keys()) {
      try {
        port.postMessage(message);
      } catch {
        // closing at this moment
      }
    }
  }
}
