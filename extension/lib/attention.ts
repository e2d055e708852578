import { browser } from "wxt/browser";
import type { SocketEvent } from "../../shared/inbox";
import { t } from "./i18n";

/**
 * Desktop notifications and the toolbar badge. A notification's id names its conversation, so the background
 * can open the side panel on it when clicked. Nothing while the agent is Away (mentions will be the exception).
 */
export function notificationId(phoneNumberId: string, conversationId: string): string {
  return `conversation:${phoneNumberId}:${conversationId}:${Date.now()}`;
}

export function parseNotificationId(id: string): { phoneNumberId: string; conversationId: string } | null {
  const match = /^conversation:([^:]+):([^:]+):/.exec(id);
  return match ? { phoneNumberId: match[1]!, conversationId: match[2]! } : null;
}

/** A short two-tone chime from WebAudio: no sound file to ship. */
function chime(): void {
  const audio = new AudioContext();
  [880, 1320].forEach((frequency, i) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, audio.currentTime + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.12 + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + i * 0.12);
    oscillator.stop(audio.currentTime + i * 0.12 + 0.3);
  });
}

export async function notify(event: Extract<SocketEvent, { type: "notice" }>, away: boolean, sound = false): Promise<void> {
  // Away means no interruptions, except a colleague asking for you by name.
  if ((away && event.kind !== "mention") || event.kind === "unassigned") return;
  if (sound) {
    try {
      chime();
    } catch {
      // no audio device: the notification is enough
    }
  }
  await browser.notifications.create(notificationId(event.phoneNumberId, event.conversationId), {
    type: "basic",
    iconUrl: browser.runtime.getURL("/icon-128.png"),
    title: t(event.kind === "mention" ? "notice.mention" : event.kind === "no_reply_nudge" ? "notice.nudge" : "notice.assigned"),
    message: event.text,
    priority: 1,
  });
}

/** The badge counts my conversations with unread messages. */
export async function setBadge(unreadConversations: number): Promise<void> {
  await browser.action.setBadgeText({ text: unreadConversations > 0 ? String(unreadConversations) : "" });
  await browser.action.setBadgeBackgroundColor({ color: "#0b7a5d" });
}

/** A new customer message in one of my conversations, unless I am looking at it right now. */
export async function notifyMessage(phoneNumberId: string, conversationId: string, from: string, text: string, sound: boolean): Promise<void> {
  if (sound) {
    try {
      chime();
    } catch {
      // no audio device
    }
  }
  await browser.notifications.create(notificationId(phoneNumberId, conversationId), {
    type: "basic",
    iconUrl: browser.runtime.getURL("/icon-128.png"),
    title: from,
    message: text,
    priority: 1,
  });
}
