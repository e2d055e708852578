import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";

export default defineConfig({
  srcDir: "extension",
  outDir: ".output",
  publicDir: "extension/public",
  // No modulepreload polyfill: Chrome has had modulepreload since 66 and the manifest asks for 116, so the polyfill
  // was dead weight on every page's first load (the side panel's budget is 45 KB gzip).
  vite: () => ({ plugins: [preact()], build: { modulePreload: { polyfill: false } } }),
  manifest: {
    name: "WhatsApp Team Inbox",
    description: "Answer your business's WhatsApp customers together, from the browser's side panel.",
    // Pins the extension ID (dogfkfociadkkieogbinadpicgbjkaoh) so the worker can allow its origin by CORS.
    key: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnWPH8+Kj6dwihdo+wCivxCy3JJ2Ww9YQyGDuLVDHK7PQf3eD4uyrBbfKXNUx3TYiC+JH9NetTngiz5icLzt1ubOqlV0aFcgJhSv+5BKLXjwQwG+57ibGnU6qKU3Xze6bwVoTG5GZ3/d4m4VmF3GqMKMNL3jZJiQIFybr2RuJtrBjmfJyoUqwsr+nB1iKtpj3NgvFaU03PsGGCHej8vqeAoKlVNudGad0oCyOLIzTHlG89EpsY/EFErAUnxAiVwhYDvdWPkWC3O5RWv3Z+ynO75PJCtQQ8nmPdwUBWIc6iMRwsyOfzxO00HkKCWplsTOwnJ6L0/YkfEufuLQt+LqbywIDAQAB",
    // activeTab and contextMenus only: the panel reads the page the agent shares, never every site. alarms wakes
    // the background (which holds the live sockets) should Chrome stop it; offscreen plays the notification sound.
    permissions: ["sidePanel", "storage", "notifications", "contextMenus", "activeTab", "alarms", "offscreen"],
    // Local use and tests need no prompt; any other server is asked for at sign-in.
    host_permissions: ["http://127.0.0.1/*", "http://localhost/*"],
    optional_host_permissions: ["https://*/*", "http://*/*"],
    action: { default_title: "Open the team inbox" },
    // 116: a WebSocket's messages keep the background service worker (which holds the agent's connection) alive.
    minimum_chrome_version: "116",
  },
});
