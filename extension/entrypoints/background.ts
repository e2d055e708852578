import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { LiveHub } from "../background/hub";
import { Notifier } from "../background/notifier";
import { ApiClient } from "../lib/api";
import { parseNotificationId } from "../lib/attention-policy";
import { getLocale, setLocale } from "../lib/i18n";
import { attentionItem, composerInsertItem, localeItem, pendingOpenItem, pendingSearchItem, sessionItem } from "../lib/session-store";

/** Wakes the worker should Chrome ever stop it (an update, a crash): the sockets are opened again at start. */
const WATCHDOG = "live-watchdog";

export default defineBackground(() => {
  const notifier = new Notifier();
  const hub = new LiveHub(notifier);

  // The window to open the panel in must be known before a click arrives: `sidePanel.open()` has to be the
  // first thing its handler does, since the click's user gesture is gone after the first await.
  let lastWindowId: number | undefined;
  void browser.windows.getLastFocused().then((w) => (lastWindowId ??= w.id));
  browser.windows.onFocusChanged.addListener((id) => {
    if (id !== browser.windows.WINDOW_ID_NONE) lastWindowId = id;
  });
  function openPanel(windowId = lastWindowId ?? browser.windows.WINDOW_ID_CURRENT): void {
    void browser.sidePanel.open({ windowId }).catch(() => undefined);
  }

  // The toolbar button opens the inbox beside whatever page the agent is working on.
  void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true });

  // Notifications speak the reader's language: its dictionary is in before the sessions (and their sockets) start.
  const localeReady = localeItem.getValue().then((locale) => setLocale(locale ?? getLocale()));
  localeItem.watch((locale) => locale && void setLocale(locale));
  void attentionItem.getValue().then((settings) => hub.useSettings(settings));
  attentionItem.watch((settings) => hub.useSettings(settings));
  void localeReady.then(() => sessionItem.getValue()).then((session) => hub.useSession(session));
  sessionItem.watch((session) => void localeReady.then(() => hub.useSession(session)));
  browser.runtime.onConnect.addListener((port) => hub.connectPage(port));

  void browser.alarms.create(WATCHDOG, { periodInMinutes: 1 });
  // The waiting-past-target check rides on the same clock (the sockets' pings keep the worker up in between).
  browser.alarms.onAlarm.addListener((alarm) => alarm.name === WATCHDOG && void notifier.review());
  setInterval(() => void notifier.review(), 30_000);

  browser.runtime.onInstalled.addListener(() => {
    browser.contextMenus.create({ id: "share-selection", title: "Insert into reply / 插入回复", contexts: ["selection"] });
    browser.contextMenus.create({ id: "share-page", title: "Share this page in the reply / 在回复中分享此页", contexts: ["page", "link"] });
    browser.contextMenus.create({ id: "open-in-inbox", title: "Open in inbox / 在收件箱中打开", contexts: ["selection"] });
  });

  browser.contextMenus.onClicked.addListener((info, tab) => {
    openPanel(tab?.windowId);
    const at = Date.now();
    if (info.menuItemId === "share-selection" && info.selectionText) void composerInsertItem.setValue({ text: info.selectionText, at });
    if (info.menuItemId === "share-page") void composerInsertItem.setValue({ text: info.linkUrl ?? info.pageUrl ?? tab?.url ?? "", at });
    if (info.menuItemId === "open-in-inbox" && info.selectionText) void pendingSearchItem.setValue({ q: info.selectionText.trim(), at });
  });

  /** A click, or its "Reply" button: the panel opens on that conversation (the panel reads `pendingOpen`). */
  function onNotificationClicked(id: string, reply = false): void {
    openPanel();
    const target = parseNotificationId(id);
    if (target) void pendingOpenItem.setValue({ ...target, reply });
    void notifier.dismiss(id);
  }

  /** "Reply" opens the conversation with the cursor in the reply box; "Mark read" reads it without opening. */
  function onNotificationButtonClicked(id: string, button: number): void {
    if (button === 0) return onNotificationClicked(id, true);
    const target = parseNotificationId(id);
    void notifier.dismiss(id);
    void sessionItem.getValue().then((session) => {
      if (session && target) void new ApiClient(session.serverUrl, session.token).markRead(target.phoneNumberId, target.conversationId).catch(() => undefined);
    });
  }

  browser.notifications.onClicked.addListener((id) => onNotificationClicked(id));
  browser.notifications.onButtonClicked.addListener(onNotificationButtonClicked);
  // The same handlers, reachable from the worker's console and from browser tests, which cannot click a desktop
  // notification (Chrome offers automation no way to).
  Object.assign(globalThis, { teamInbox: { onNotificationClicked, onNotificationButtonClicked } });
});
