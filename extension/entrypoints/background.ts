import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";

export default defineBackground(() => {
  // The toolbar button opens the inbox beside whatever page the agent is working on.
  void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true });
});
