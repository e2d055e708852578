import { storage } from "wxt/utils/storage";
import type { Me } from "../../shared/people";
import { DEFAULT_ATTENTION, type AttentionSettings } from "./attention-policy";
import type { Locale } from "./locale";

export interface StoredSession {
  serverUrl: string;
  token: string;
  /** Who signed in, kept so the panel opens (and keeps unsent replies) while the server cannot be reached. */
  me?: Me;
}

/** The bearer token lives only in the extension's local storage; nothing else is kept there. */
export const sessionItem = storage.defineItem<StoredSession | null>("local:session", { fallback: null });
export const lastServerItem = storage.defineItem<string>("local:lastServer", { fallback: "http://127.0.0.1:8787" });
export const localeItem = storage.defineItem<Locale | null>("local:locale", { fallback: null });

/** A conversation to open when the panel is (re)opened, e.g. from a clicked notification; `reply` focuses the reply box. */
export const pendingOpenItem = storage.defineItem<{ phoneNumberId: string; conversationId: string; reply?: boolean } | null>("local:pendingOpen", {
  fallback: null,
});

/** Text the agent shared from a page (a link or a selection), for the reply box to pick up. */
export const composerInsertItem = storage.defineItem<{ text: string; at: number } | null>("local:composerInsert", { fallback: null });
/** A phone number or words selected on a page, to search the inbox for. */
export const pendingSearchItem = storage.defineItem<{ q: string; at: number } | null>("local:pendingSearch", { fallback: null });

/** The agent's notification settings (kinds, sound, quiet hours, Away when the panel closes), read by the background. */
export const attentionItem = storage.defineItem<AttentionSettings>("local:attention", { fallback: DEFAULT_ATTENTION });
