import { storage } from "wxt/utils/storage";
import type { Conversation, Message } from "../../../shared/inbox";
import { ApiError, type ApiClient } from "../../lib/api";
import * as device from "../../lib/translation";
import {
  customerLanguage,
  DETECT_LATEST,
  dominantLanguage,
  draftPair,
  EMPTY_PREFS,
  languageEvidence,
  prefKey,
  sameLanguage,
  shouldStoreLanguage,
  translateFrom,
  trustedLanguage,
  withEntry,
  worthDetecting,
  type TranslationPrefs,
} from "../../lib/translation-policy";

export const prefsItem = storage.defineItem<TranslationPrefs>("local:translation", { fallback: EMPTY_PREFS });

/** A read-modify-write of the stored preferences; the panel is their only writer. */
async function updatePrefs(change: (prefs: TranslationPrefs) => TranslationPrefs): Promise<TranslationPrefs> {
  const next = change({ ...EMPTY_PREFS, ...(await prefsItem.getValue()) });
  await prefsItem.setValue(next);
  return next;
}

export interface Translation {
  from: string;
  to: string;
  /** null: the browser failed to translate it. */
  text: string | null;
}

export interface ScopeState {
  /** The browser has the Translator API (and, for detecting, the LanguageDetector). */
  supported: boolean;
  /** The detector, when it matters: the customer's language is not known yet. */
  detector: device.Availability | "missing" | null;
  /** The customer's language, once detected or remembered. */
  language: string | null;
  /** Customer's language → the agent's, when they differ. */
  pair: { from: string; to: string; availability: device.Availability } | null;
  /** 0–1 while a model downloads for this conversation. */
  progress: number | null;
  error: string | null;
  /** The agent's per-conversation switch (translations are shown unless turned off). */
  shown: boolean;
  noticeDismissed: boolean;
  translations: ReadonlyMap<string, Translation>;
}

/** The text of a message worth translating: a text message's words, a photo's or document's caption. */
export function textOf(m: Message): string | null {
  if (m.direction !== "in" || m.content.deleted) return null;
  return m.kind === "text" ? m.text : (m.content.caption ?? null);
}

/** The language the agent reads: the panel's. */
export const agentLanguage = (locale: "en" | "zh") => locale;

/** The server has no language route yet (404): asked once per panel, then the panel keeps the language to itself. */
let serverHasLanguageRoute = true;

/**
 * One conversation's translation: what its customer's messages were detected as, its language, the translator's state
 * for this agent, the translations made (kept in memory only), and the agent's switch. Components subscribe to it.
 */
export class ConversationTranslation {
  state: ScopeState = {
    supported: true,
    detector: null,
    language: null,
    pair: null,
    progress: null,
    error: null,
    shown: true,
    noticeDismissed: false,
    translations: new Map(),
  };
  private readonly listeners = new Set<() => void>();
  /** Per message id: its trusted language and how much text it was judged on, or null when it said too little. */
  private readonly detected = new Map<string, { language: string; weight: number } | null>();
  private queue: Promise<void> = Promise.resolve();
  private last: { messages: Message[]; conversation: Conversation; agent: string; api: ApiClient } | null = null;
  private toldServer: string | null = null;

  constructor(
    readonly phoneNumberId: string,
    readonly conversationId: string,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<ScopeState>) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Brings the conversation up to date with its messages and the agent's language; runs one at a time. */
  refresh(messages: Message[], conversation: Conversation, agent: string, api: ApiClient): Promise<void> {
    this.last = { messages, conversation, agent, api };
    this.queue = this.queue.then(() => this.step()).catch((error: unknown) => this.set({ error: String(error) }));
    return this.queue;
  }

  private async step() {
    const { messages, conversation, agent, api } = this.last!;
    const prefs = { ...EMPTY_PREFS, ...(await prefsItem.getValue()) };
    const contactKey = prefKey(this.phoneNumberId, conversation.contact.id);
    this.set({ shown: !prefs.hidden[prefKey(this.phoneNumberId, this.conversationId)], noticeDismissed: prefs.noticeDismissed });
    const has = device.supported();
    if (!has.translator) return this.set({ supported: false, pair: null });

    const detector = has.detector ? await device.detectorAvailability() : "missing";
    if (detector === "available") await this.detect(messages);
    const detected = dominantLanguage([...this.detected.values()].filter((d) => d !== null));
    const stored = conversation.contact.language;
    const language = customerLanguage(detected, prefs.languages[contactKey], stored);
    // Supported: the customer's language is known, or can be (now, or after the detector's download).
    this.set({ supported: language !== null || (detector !== "missing" && detector !== "unavailable"), detector: language ? null : detector, language });
    if (detected) this.remember(contactKey, detected, prefs, stored, api, conversation.contact.id);

    if (!language || sameLanguage(language, agent)) return this.set({ pair: null });
    const availability = await device.pairAvailability(language, agent);
    this.set({ pair: { from: language, to: agent, availability } });
    if (availability === "available") await this.translate(messages, language, agent);
  }

  private async detect(messages: Message[]) {
    const session = await device.detectorSession().catch(() => null);
    if (!session) return;
    const latest = messages.filter((m) => textOf(m)).slice(-DETECT_LATEST);
    for (const m of latest) {
      if (this.detected.has(m.id)) continue;
      const text = textOf(m)!;
      if (!worthDetecting(text)) {
        this.detected.set(m.id, null);
        continue;
      }
      const language = trustedLanguage(await session.detect(text));
      this.detected.set(m.id, language ? { language, weight: languageEvidence(text) } : null);
    }
  }

  /** Keeps the detected language in this browser and tells the server, which keeps it on the contact for supervisors. */
  private remember(contactKey: string, language: string, prefs: TranslationPrefs, stored: string | null | undefined, api: ApiClient, contactId: string) {
    if (prefs.languages[contactKey] !== language) void updatePrefs((p) => ({ ...p, languages: withEntry(p.languages, contactKey, language) }));
    if (!serverHasLanguageRoute || this.toldServer === language || !shouldStoreLanguage(stored, language)) return;
    this.toldServer = language;
    api.setContactLanguage(this.phoneNumberId, contactId, language).catch((error: unknown) => {
      // A server without the route yet (404) or an older one (405): translation goes on without it.
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) serverHasLanguageRoute = false;
      else this.toldServer = null;
    });
  }

  private async translate(messages: Message[], conversationLanguage: string, agent: string) {
    for (const m of messages) {
      const text = textOf(m);
      const from = text ? translateFrom(text, this.detected.get(m.id)?.language ?? null, conversationLanguage, agent) : null;
      const key = `${m.id}>${agent}`;
      if (!from || this.state.translations.has(key)) continue;
      let translated: string | null;
      try {
        translated = await (await device.translatorFor(from, agent)).translate(text!);
      } catch (error) {
        // A message in a third language whose model is not on this device (or not to be had): left as it is, not failed.
        if (error instanceof device.NeedsClick || error instanceof device.Unavailable) continue;
        translated = null;
      }
      this.set({ translations: new Map(this.state.translations).set(key, { from, to: agent, text: translated }) });
    }
  }

  translationOf(messageId: string, agent: string): Translation | null {
    return this.state.translations.get(`${messageId}>${agent}`) ?? null;
  }

  /** The download button: must be called within the click, which is what lets the browser fetch a model. */
  download() {
    const { pair, detector, language } = this.state;
    const onProgress = (loaded: number) => this.set({ progress: loaded });
    const opening = !language && detector !== null && detector !== "missing" ? device.detectorSession(onProgress) : pair ? device.translatorFor(pair.from, pair.to, onProgress) : null;
    if (!opening) return;
    this.set({ progress: 0, error: null });
    opening.then(
      () => {
        this.set({ progress: null });
        if (this.last) void this.refresh(this.last.messages, this.last.conversation, this.last.agent, this.last.api);
      },
      (error: unknown) => this.set({ progress: null, error: error instanceof device.NeedsClick ? "click" : (error as Error).message || String(error) }),
    );
  }

  async setShown(shown: boolean) {
    this.set({ shown });
    await updatePrefs((p) => ({ ...p, hidden: withEntry(p.hidden, prefKey(this.phoneNumberId, this.conversationId), shown ? undefined : true) }));
  }

  async dismissNotice() {
    this.set({ noticeDismissed: true });
    await updatePrefs((p) => ({ ...p, noticeDismissed: true }));
  }

  /**
   * The agent's draft in the customer's language. Called from the click on "Translate draft", which may download the
   * model for this direction (`onProgress`). The draft's own language is detected when it says enough.
   */
  async translateDraft(draft: string, agent: string, onProgress: (loaded: number) => void): Promise<{ to: string; text: string }> {
    const detectable = worthDetecting(draft) && device.supported().detector && (await device.detectorAvailability()) === "available";
    const session = detectable ? await device.detectorSession().catch(() => null) : null;
    const draftLanguage = session ? trustedLanguage(await session.detect(draft)) : null;
    const pair = draftPair(draftLanguage, agent, this.state.language);
    if (!pair) throw new Error("same language");
    const translator = await device.translatorFor(pair.from, pair.to, onProgress).catch((error: unknown) => {
      throw error instanceof device.Unavailable ? new PairUnavailable(pair.from, pair.to) : error;
    });
    return { to: pair.to, text: await translator.translate(draft) };
  }
}

/** The browser cannot translate the draft's language into the customer's. */
export class PairUnavailable extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`${from} → ${to} unavailable`);
  }
}

/** The conversation in which this panel said it cannot translate: it says so once, not in every conversation. */
let noticeIn: string | null = null;
export const claimNotice = (conversationId: string): boolean => (noticeIn ??= conversationId) === conversationId;

const scopes = new Map<string, ConversationTranslation>();
/** The same scope for a conversation across renders and reopenings; the 20 most recent are kept. */
export function scopeFor(phoneNumberId: string, conversationId: string): ConversationTranslation {
  const key = prefKey(phoneNumberId, conversationId);
  const scope = scopes.get(key) ?? new ConversationTranslation(phoneNumberId, conversationId);
  scopes.delete(key);
  scopes.set(key, scope);
  if (scopes.size > 20) scopes.delete(scopes.keys().next().value!);
  return scope;
}
