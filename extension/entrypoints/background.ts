import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { parseNotificationId } from "../lib/attention";
import { pendingOpenItem } from "../lib/session-store";

export default defineBackground(() => {
  // The toolbar button opens the inbox beside whatever page the agent is working on.
  void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true });

  browser.notifications.onClicked.addListener((id) => {
    const target = parseNotificationId(id);
    // sidePanel.open needs the click's user gesture, which the first await would lose: call it first.
    void browser.windows.getLastFocused().then((w) => (w.id === undefined ? undefined : browser.sidePanel.open({ windowId: w.id })));
    if (target) void pendingOpenItem.setValue(target);
    void browser.notifications.clear(id);
  });
});
