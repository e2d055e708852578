import { useRef, useState } from "preact/hooks";
import type { Message } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import { TemplatePicker } from "./TemplatePicker";
import type { OutgoingRequest } from "./useInbox";
import { windowState } from "./WindowState";

const TYPING_EVERY_MS = 20_000;

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
}) {
  const [draft, setDraft] = useState("");
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

  async function sendText() {
    const text = draft.trim();
    if (!text) return;
    setDraft("");
    await run(() => props.onSend({ type: "text", text, ...(props.replyTo ? { replyToId: props.replyTo.id } : {}) })).catch(() =>
      setDraft(text),
    );
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

  function typed(value: string) {
    setDraft(value);
    // WhatsApp's typing indicator lasts 25 s; refresh it while the agent keeps typing.
    if (value.trim() && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      void props.api.typing(props.phoneNumberId, props.conversationId).catch(() => undefined);
    }
  }

  return (
    <div class="composer-area">
      <p class={`window-state ${windowInfo.open ? "open" : "closed"}`} role="status">
        <span aria-hidden="true">{windowInfo.open ? "⏱" : "🔒"}</span> {windowInfo.label}
      </p>
      {!windowInfo.open ? (
        <TemplatePicker api={props.api} phoneNumberId={props.phoneNumberId} onSend={props.onSend} />
      ) : (
        <form
          class="composer"
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
          <label class="visually-hidden" for="composer-text">
            {t("composer.label")}
          </label>
          <textarea
            id="composer-text"
            rows={2}
            placeholder={t("composer.placeholder")}
            value={draft}
            onInput={(e) => typed(e.currentTarget.value)}
            onKeyDown={(e) => {
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
          <button type="button" class="icon" title={t("composer.attach")} aria-label={t("composer.attach")} onClick={() => fileInput.current?.click()} disabled={uploading}>
            {uploading ? "⏳" : "📎"}
          </button>
          <button type="submit">{t("composer.send")}</button>
        </form>
      )}
    </div>
  );
}
