import { useEffect, useRef, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { composerInsertItem } from "../lib/session-store";
import type { Message } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import type { CannedResponse } from "../../shared/catalog";
import { fillKnown, nextPlaceholder, unfilledPlaceholders, type KnownValues } from "../lib/placeholders";
import { CannedPicker, filterCanned } from "./CannedPicker";
import { onDemand } from "./on-demand";

/** Shown only once the 24-hour window has closed: loaded then. */
const TemplatePicker = onDemand(() => import("./TemplatePicker").then((m) => m.TemplatePicker));
import type { OutgoingRequest } from "./useInbox";
import { windowState } from "./WindowState";
import { Link, LoaderCircle, Lock, Paperclip, Pencil, Smile, Timer, Zap } from "./icons";

const TYPING_EVERY_MS = 20_000;
/** The emoji service chats use most; the system keyboard has the rest. */
const EMOJI = ["😊", "🙏", "👍", "❤️", "😂", "🎉", "😅", "🤝", "👌", "🙂", "😢", "🔥", "✅", "📦", "🚚", "💰"];

function mediaKindOf(file: File): "image" | "video" | "audio" | "document" {
  if (file.type.startsWith("image/")) return "image";
  if (file.type.startsWith("video/")) return "video";
  if (file.type.startsWith("audio/")) return "audio";
  return "document";
}

export function Composer(props: {
  api: ApiClient;
  phoneNumberId: string;
  conversationId: string;
  windowClosesAt: number | null;
  replyTo: Message | null;
  onCancelReply: () => void;
  onSend: (request: OutgoingRequest) => Promise<void>;
  canned: CannedResponse[];
  known: KnownValues;
  /** Tells colleagues with this conversation open that the agent is typing. */
  onTyping?: () => void;
  /** Opens the editor of the agent's personal canned responses. */
  onManageCanned?: () => void;
  onNewConversation?: () => void;
  /** "Translate draft" with both texts shown, and a way to send either (from the translation feature, once loaded). */
  translateDraft?: (draft: string, send: (text: string) => void) => preact.ComponentChildren;
}) {
  const [draft, setDraft] = useState("");
  const [active, setActive] = useState(0);
  /** Reply to the customer, or a private note to colleagues (never sent to WhatsApp). */
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const [emojiOpen, setEmojiOpen] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);
  // Typing "/" at the start opens the canned responses, filtered by what follows.
  const pickerQuery = /^\/(\S*)$/.exec(draft)?.[1];
  const pickerItems = pickerQuery === undefined ? [] : filterCanned(props.canned, pickerQuery);

  /** Appends text shared from a page (context menu or the share button) to the reply. */
  function insertShared(text: string) {
    if (!text) return;
    setDraft((prev) => (prev.trim() ? `${prev.trimEnd()} ${text}` : text));
    requestAnimationFrame(() => textarea.current?.focus());
  }

  useEffect(() => {
    const take = (value: { text: string } | null) => {
      if (!value) return;
      void composerInsertItem.setValue(null);
      insertShared(value.text);
    };
    void composerInsertItem.getValue().then(take);
    return composerInsertItem.watch(take);
  }, []);

  async function shareCurrentTab() {
    // activeTab: the page beside the panel is readable once the agent has used the extension on it.
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    if (tab?.url && /^https?:/.test(tab.url)) insertShared(tab.url);
    else setError(t("share.unavailable"));
  }
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const lastTyping = useRef(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const windowInfo = windowState(props.windowClosesAt);

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
      props.onCancelReply();
    } catch (e) {
      setError((e as Error).message);
      throw e;
    }
  }

  function selectPlaceholder(text: string, from: number) {
    const next = nextPlaceholder(text, from);
    if (!next) return false;
    requestAnimationFrame(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(next.start, next.end);
    });
    return true;
  }

  function insertCanned(item: CannedResponse) {
    const text = fillKnown(item.body, props.known);
    setDraft(text);
    setActive(0);
    if (!selectPlaceholder(text, 0)) requestAnimationFrame(() => textarea.current?.focus());
  }

  /** Sends the draft, or the text the agent chose instead of it (its translation). */
  async function sendText(chosen = draft) {
    const text = chosen.trim();
    if (!text) return;
    const unfilled = unfilledPlaceholders(text);
    if (unfilled.length > 0) {
      // A reply with "[天数]" still in it would reach the customer as is.
      setError(t("canned.unfilled", { placeholders: unfilled.join(" ") }));
      selectPlaceholder(draft, 0);
      return;
    }
    const original = draft;
    setDraft("");
    const request: OutgoingRequest =
      mode === "note" ? { type: "note", text } : { type: "text", text, ...(props.replyTo ? { replyToId: props.replyTo.id } : {}) };
    await run(() => props.onSend(request)).catch(() => setDraft(original));
  }

  async function attach(file: File) {
    setUploading(true);
    try {
      await run(async () => {
        const mediaId = await props.api.uploadMedia(props.phoneNumberId, file);
        const mediaKind = mediaKindOf(file);
        const caption = draft.trim();
        await props.onSend({
          type: "media",
          mediaKind,
          mediaId,
          ...(mediaKind === "document" ? { filename: file.name } : {}),
          ...(caption && mediaKind !== "audio" ? { caption } : {}),
          ...(props.replyTo ? { replyToId: props.replyTo.id } : {}),
        });
        setDraft("");
      });
    } catch {
      // shown in the error line
    } finally {
      setUploading(false);
    }
  }

  const lastSignal = useRef(0);
  function typed(value: string) {
    setDraft(value);
    if (value.trim() && Date.now() - lastSignal.current > 3_000) {
      lastSignal.current = Date.now();
      props.onTyping?.();
    }
    // WhatsApp's typing indicator lasts 25 s; refresh it while the agent keeps typing.
    if (value.trim() && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      void props.api.typing(props.phoneNumberId, props.conversationId).catch(() => undefined);
    }
  }

  return (
    <div class="composer-area">
      <p class={`window-state ${windowInfo.open ? "open" : "closed"}`} role="status">
        {windowInfo.open ? <Timer /> : <Lock />} {windowInfo.label}
      </p>
      <div class="composer-modes" role="tablist" aria-label={t("note.modes")}>
        {(["reply", "note"] as const).map((m) => (
          <button type="button" role="tab" aria-selected={mode === m} class={m} onClick={() => setMode(m)}>
            {t(m === "reply" ? "note.mode.reply" : "note.mode.note")}
          </button>
        ))}
      </div>
      {!windowInfo.open && mode === "reply" ? (
        <TemplatePicker api={props.api} phoneNumberId={props.phoneNumberId} onSend={props.onSend} onNewConversation={props.onNewConversation} />
      ) : (
        <form
          class={`composer ${mode === "note" ? "note-mode" : ""}`}
          onSubmit={(e) => {
            e.preventDefault();
            void sendText();
          }}
        >
          {props.replyTo && (
            <p class="replying-to">
              {t("composer.replyingTo", { text: props.replyTo.text ?? `[${props.replyTo.kind}]` })}
              <button type="button" class="link dark" onClick={props.onCancelReply}>
                {t("composer.cancel")}
              </button>
            </p>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <div class="composer-tools">
          <button
            type="button"
            class="icon"
            title={t("canned.button")}
            aria-label={t("canned.button")}
            onClick={() => {
              setDraft("/");
              textarea.current?.focus();
            }}
          >
            <Zap />
          </button>
          {props.onManageCanned && (
            <button type="button" class="icon" title={t("mine.button")} aria-label={t("mine.button")} onClick={props.onManageCanned}>
              <Pencil />
            </button>
          )}
          <button type="button" class="icon" title={t("emoji.button")} aria-label={t("emoji.button")} aria-expanded={emojiOpen} onClick={() => setEmojiOpen(!emojiOpen)}>
            <Smile />
          </button>
          {emojiOpen && (
            <div class="emoji-picker" role="group" aria-label={t("emoji.button")}>
              {EMOJI.map((emoji) => (
                <button
                  type="button"
                  aria-label={emoji}
                  onClick={() => {
                    const at = textarea.current?.selectionStart ?? draft.length;
                    setDraft(draft.slice(0, at) + emoji + draft.slice(at));
                    setEmojiOpen(false);
                    requestAnimationFrame(() => textarea.current?.focus());
                  }}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
          <button type="button" class="icon" title={t("share.page")} aria-label={t("share.page")} onClick={() => void shareCurrentTab()}>
            <Link />
          </button>
          <button type="button" class="icon" title={t("composer.attach")} aria-label={t("composer.attach")} onClick={() => fileInput.current?.click()} disabled={uploading}>
            {uploading ? <LoaderCircle class="spin" /> : <Paperclip />}
          </button>
          </div>
          {mode === "reply" && props.translateDraft?.(draft, (text) => void sendText(text))}
          <label class="visually-hidden" for="composer-text">
            {mode === "note" ? t("note.label") : t("composer.label")}
          </label>
          {pickerQuery !== undefined && (
            <CannedPicker items={pickerItems} active={Math.min(active, Math.max(0, pickerItems.length - 1))} query={pickerQuery} onPick={insertCanned} />
          )}
          <textarea
            id="composer-text"
            ref={textarea}
            rows={2}
            aria-controls={pickerQuery !== undefined && pickerItems.length > 0 ? "canned-list" : undefined}
            aria-autocomplete="list"
            aria-activedescendant={pickerQuery !== undefined && pickerItems[active] ? `canned-${pickerItems[active]!.id}` : undefined}
            placeholder={mode === "note" ? t("note.placeholder") : t("composer.placeholder")}
            value={draft}
            onInput={(e) => {
              typed(e.currentTarget.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (pickerQuery !== undefined && pickerItems.length > 0) {
                if (e.key === "ArrowDown" || e.key === "ArrowUp") {
                  e.preventDefault();
                  setActive((i) => (i + (e.key === "ArrowDown" ? 1 : pickerItems.length - 1)) % pickerItems.length);
                  return;
                }
                if (e.key === "Enter" || e.key === "Tab") {
                  e.preventDefault();
                  insertCanned(pickerItems[Math.min(active, pickerItems.length - 1)]!);
                  return;
                }
              }
              if (e.key === "Escape" && pickerQuery !== undefined) {
                setDraft("");
                return;
              }
              if (e.key === "Tab" && !e.shiftKey && unfilledPlaceholders(draft).length > 0) {
                // Tab jumps to the next [placeholder] to fill.
                e.preventDefault();
                const at = e.currentTarget.selectionEnd;
                selectPlaceholder(draft, at);
                return;
              }
              if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                void sendText();
              }
            }}
          />
          <input
            ref={fileInput}
            type="file"
            class="visually-hidden"
            aria-label={t("composer.attach")}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              if (file) void attach(file);
            }}
          />
          <button type="submit">{mode === "note" ? t("note.send") : t("composer.send")}</button>
        </form>
      )}
    </div>
  );
}
