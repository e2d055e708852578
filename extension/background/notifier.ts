import { browser } from "wxt/browser";
import { contactLabel } from "../../shared/contact-label";
import { storage } from "wxt/utils/storage";
import type { Conversation, Message, SocketEvent } from "../../shared/inbox";
import type { Me } from "../../shared/people";
import type { ApiClient } from "../lib/api";
import {
  badgeOf,
  DEFAULT_ATTENTION,
  kindOfNotice,
  mayInterrupt,
  notificationId,
  waitingSince,
  waitsPastTarget,
  type AttentionKind,
  type AttentionSettings,
} from "../lib/attention-policy";
import { t, type Key } from "../lib/i18n";
import { noticeBody, tn } from "./strings";
import { chime } from "./chime";

/** What a conversation's one notification says now; kept in session storage so a restarted worker updates it. */
export interface ShownNotification {
  kind: AttentionKind;
  title: string;
  message: string;
  /** Customer messages gathered in it since it was first shown. */
  messages: number;
  at: number;
}

export const shownItem = storage.defineItem<Record<string, ShownNotification>>("session:notifications", { fallback: {} });

const keyOf = (phoneNumberId: string, conversationId: string) => `${phoneNumberId}:${conversationId}`;
const KINDS_WITH_LABEL = new Set(["image", "video", "audio", "voice", "document", "sticker", "location", "contacts", "order"]);

function describe(message: Message): string {
  if (message.text) return message.text;
  return KINDS_WITH_LABEL.has(message.kind) ? `[${t(`kind.${message.kind}` as Key)}]` : `[${message.kind}]`;
}

/** The first line of a notification that is about more than a customer's message. */
const HEADLINE: Record<Exclude<AttentionKind, "message">, Parameters<typeof tn>[0]> = { assigned: "notice.assigned", mention: "notice.mention", waiting: "notice.waiting" };

const contactName = (c: Conversation | undefined) => contactLabel(c?.contact) ?? "";

/**
 * Desktop notifications, sound and the toolbar badge, fed by the background's sockets whether or not a panel is
 * open. It keeps the agent's open conversations and the queue it can see (from each socket's catch-up and the
 * events after it): enough to count unread conversations and to notice a customer waiting past the target.
 */
export class Notifier {
  private tracked = new Map<string, Conversation>();
  private me: Me | null = null;
  private settings: AttentionSettings = DEFAULT_ATTENTION;
  private looking = new Set<string>();
  /** Conversations already announced as waiting, with the wait they were announced for. */
  private toldWaiting = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  setMe(me: Me | null): void {
    this.me = me;
    if (!me) void this.reset();
  }

  setSettings(settings: AttentionSettings): void {
    this.settings = settings;
  }

  setLooking(conversations: { phoneNumberId: string; conversationId: string }[]): void {
    this.looking = new Set(conversations.map((c) => keyOf(c.phoneNumberId, c.conversationId)));
    for (const key of this.looking) void this.dismiss(`conversation:${key}`);
  }

  private isMine(c: Conversation): boolean {
    return c.assigneeId === this.me?.agent.id && c.status !== "resolved";
  }

  /** Replaces what is known of one number by the server's current lists (on every socket (re)connect). */
  async resync(api: ApiClient, phoneNumberId: string): Promise<void> {
    const empty = { conversations: [] as Conversation[] };
    const [mine, queue] = await Promise.all([
      api.conversations(phoneNumberId, "mine", null, { unreadOnly: true }, 200),
      // Agents who may not see the queue are refused: then there is none to watch.
      api.conversations(phoneNumberId, "unassigned", null, { sort: "waiting" }, 50).catch(() => empty),
    ]);
    for (const key of [...this.tracked.keys()]) if (key.startsWith(`${phoneNumberId}:`)) this.tracked.delete(key);
    for (const c of [...mine.conversations, ...queue.conversations]) this.tracked.set(keyOf(c.phoneNumberId, c.id), c);
    await this.review();
  }

  onEvent(phoneNumberId: string, event: SocketEvent): void {
    // One at a time: a notice and the message after it update the same notification in order.
    this.queue = this.queue.then(() => this.apply(phoneNumberId, event)).catch((error: unknown) => console.warn("notification failed", error));
  }

  private async apply(phoneNumberId: string, event: SocketEvent): Promise<void> {
    if (event.type === "conversation") {
      const c = event.conversation;
      const key = keyOf(c.phoneNumberId, c.id);
      const news = (this.isMine(c) && c.unread > 0) || (c.assigneeId === null && c.status === "open");
      if (news) this.tracked.set(key, c);
      else this.tracked.delete(key);
      // Read (here or in another panel), resolved, or given to someone else: its notification has had its say.
      const shown = (await shownItem.getValue())[key];
      if (!news && shown && shown.kind !== "mention") await this.dismiss(notificationId(c.phoneNumberId, c.id));
      await this.review();
    } else if (event.type === "message" && event.message.direction === "in") {
      const c = this.tracked.get(keyOf(phoneNumberId, event.message.conversationId));
      if (c && this.isMine(c)) await this.show("message", phoneNumberId, c.id, contactName(c), describe(event.message), true);
    } else if (event.type === "notice") {
      const kind = kindOfNotice(event.kind);
      if (!kind) return this.dismiss(notificationId(event.phoneNumberId, event.conversationId));
      const title = tn(event.kind === "no_reply_nudge" ? "notice.nudge" : event.kind === "transferred_in" ? "notice.transferred" : HEADLINE[kind]);
      const body = (event.body && noticeBody(event.body)) ?? event.text;
      await this.show(kind, event.phoneNumberId, event.conversationId, title, body, false);
    }
  }

  /** Raises or updates the conversation's one notification, if the agent's settings let it interrupt now. */
  private async show(kind: AttentionKind, phoneNumberId: string, conversationId: string, title: string, message: string, fromCustomer: boolean): Promise<void> {
    const key = keyOf(phoneNumberId, conversationId);
    const allowed = mayInterrupt(kind, {
      settings: this.settings,
      away: this.me?.agent.status === "away",
      now: new Date(),
      looking: this.looking.has(key),
    });
    if (!allowed) return;
    const all = await shownItem.getValue();
    const before = all[key];
    const c = this.tracked.get(key);
    const next: ShownNotification = {
      // A new conversation stays one even as its customer keeps writing.
      kind: before && kind === "message" ? before.kind : kind,
      title: before && kind === "message" && before.kind !== "message" ? `${tn(HEADLINE[before.kind])} · ${title}` : title,
      message,
      messages: (before?.messages ?? 0) + (fromCustomer ? 1 : 0),
      at: Date.now(),
    };
    const id = notificationId(phoneNumberId, conversationId);
    const mine = c ? this.isMine(c) : kind !== "mention";
    await browser.notifications.create(id, {
      type: "basic",
      iconUrl: browser.runtime.getURL("/icon-128.png"),
      title: next.title,
      message: next.message,
      contextMessage: next.messages > 1 ? tn("notify.messages", { n: next.messages }) : contactName(c),
      priority: 2,
      // Chrome shows up to two buttons where the platform has room for them (not on every macOS setup).
      buttons: mine ? [{ title: tn("notify.reply") }, { title: tn("notify.markRead") }] : [{ title: tn("notify.reply") }],
    });
    await shownItem.setValue({ ...(await shownItem.getValue()), [key]: next });
    if (this.settings.sound) await chime().catch(() => undefined);
  }

  async dismiss(id: string): Promise<void> {
    const key = id.replace(/^conversation:/, "");
    const all = await shownItem.getValue();
    if (!(key in all)) return;
    await browser.notifications.clear(id);
    const { [key]: _gone, ...rest } = all;
    await shownItem.setValue(rest);
  }

  /** The badge, and anyone newly waiting past the target. Runs on every change and on the worker's clock. */
  async review(now = Date.now()): Promise<void> {
    const conversations = [...this.tracked.values()];
    const unreadMine = conversations.filter((c) => this.isMine(c) && c.unread > 0).length;
    const waiting = conversations.filter((c) => (this.isMine(c) || c.assigneeId === null) && waitsPastTarget(c, now));
    const badge = badgeOf(unreadMine, waiting.length > 0);
    await browser.action.setBadgeText({ text: badge.text });
    await browser.action.setBadgeBackgroundColor({ color: badge.color });
    for (const c of waiting) {
      const key = keyOf(c.phoneNumberId, c.id);
      const since = waitingSince(c)!;
      if (this.toldWaiting.get(key) === since) continue;
      this.toldWaiting.set(key, since);
      const minutes = Math.floor((now - since) / 60_000);
      await this.show("waiting", c.phoneNumberId, c.id, tn("notice.waiting"), tn("notice.waitingFor", { name: contactName(c), minutes }), false);
    }
  }

  /** Signed out: nothing of the last session stays on screen. */
  async reset(): Promise<void> {
    this.tracked.clear();
    this.toldWaiting.clear();
    for (const key of Object.keys(await shownItem.getValue())) await browser.notifications.clear(`conversation:${key}`);
    await shownItem.setValue({});
    await browser.action.setBadgeText({ text: "" });
  }
}
