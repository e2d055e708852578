import { browser } from "wxt/browser";

/** The offscreen page that plays it: a service worker has no audio. */
const PAGE = "/offscreen.html";
let creating: Promise<void> | null = null;

async function ensureOffscreen(): Promise<void> {
  const url = browser.runtime.getURL(PAGE);
  const open = await browser.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"], documentUrls: [url] });
  if (open.length > 0) return;
  creating ??= browser.offscreen
    .createDocument({ url, reasons: ["AUDIO_PLAYBACK"], justification: "A short chime with a notification, when the agent turned sound on" })
    .finally(() => (creating = null));
  await creating;
}

/** A short two-tone chime, with the panel closed too. */
export async function chime(): Promise<void> {
  await ensureOffscreen();
  await browser.runtime.sendMessage({ type: "chime" });
}
