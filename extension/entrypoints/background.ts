import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { parseNotificationId } from "../lib/attention";
import { composerInsertItem, pendingOpenItem, pendingSearchItem } from "../lib/session-store";

/** Opens the side panel in this window; must run before any await, or the click's user gesture is lost. */
function openPanel(windowId: number | undefined): void {
  if (windowId !== undefined) void browser.sidePanel.open({ windowId });
}

export default defineBackground(() => {
  // The toolbar button opens the inbox beside whatever page the agent is working on.
  void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true });

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

  browser.notifications.onClicked.addListener((id) => {
    const target = parseNotificationId(id);
    void browser.windows.getLastFocused().then((w) => openPanel(w.id));
    if (target) void pendingOpenItem.setValue(target);
    void browser.notifications.clear(id);
  });
});
