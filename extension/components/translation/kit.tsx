/**
 * Translation in the conversation view, loaded on demand (`useTranslationKit`) so the side panel's first load does
 * not carry it: the bar under the conversation's tools (the language pair and the agent's switch, the download
 * button, or the notice that this browser cannot translate), each customer message's translation, and the composer's
 * "Translate draft". Everything runs on this device through Chrome's built-in models (`lib/translation.ts`).
 */
import { useEffect, useState } from "preact/hooks";
import { Download as DownloadNode, Languages as LanguagesNode } from "lucide";
import type { Conversation, Message } from "../../../shared/inbox";
import type { ApiClient } from "../../lib/api";
import { getLocale } from "../../lib/i18n";
import { NeedsClick } from "../../lib/translation";
import { languageName, sameLanguage } from "../../lib/translation-policy";
import { icon, LoaderCircle, X } from "../icons";
import { agentLanguage, claimNotice, PairUnavailable, scopeFor, type ConversationTranslation } from "./scope";
import { s } from "./strings";

export { scopeFor };
export type Scope = ConversationTranslation;

const Languages = icon(LanguagesNode);
const Download = icon(DownloadNode);

const nameOf = (tag: string) => languageName(tag, getLocale());
/** The `lang` attribute for a translation's text (screen readers pick the voice by it). */
const langAttr = (tag: string) => (tag === "zh" ? "zh-CN" : tag);

function useScope(scope: Scope) {
  const [, rerender] = useState(0);
  useEffect(() => scope.subscribe(() => rerender((n) => n + 1)), [scope]);
  return scope.state;
}

function Progress(props: { label: string; loaded: number | null }) {
  return (
    <span class="translation-progress" role="status">
      <LoaderCircle class="spin" /> {props.label}
      {props.loaded !== null && (
        <>
          {" "}
          {Math.round(props.loaded * 100)}% <progress max={1} value={props.loaded} aria-label={props.label} />
        </>
      )}
    </span>
  );
}

export function TranslationBar(props: { scope: Scope; conversation: Conversation; messages: Message[] | null; api: ApiClient }) {
  const state = useScope(props.scope);
  const agent = agentLanguage(getLocale());
  useEffect(() => {
    if (props.messages) void props.scope.refresh(props.messages, props.conversation, agent, props.api);
  }, [props.scope, props.messages, props.conversation.contact.language, agent]);

  if (!state.supported) {
    if (state.noticeDismissed || !claimNotice(props.scope.conversationId)) return null;
    return (
      <p class="translation-notice" role="note">
        <Languages /> <span>{s("unsupported")}</span>
        <button type="button" class="icon-button dark" aria-label={s("dismiss")} title={s("dismiss")} onClick={() => void props.scope.dismissNotice()}>
          <X />
        </button>
      </p>
    );
  }
  const { pair, detector, progress, error } = state;
  const detectorToFetch = !state.language && (detector === "downloadable" || detector === "downloading");
  if (detectorToFetch || (pair && (pair.availability === "downloadable" || pair.availability === "downloading"))) {
    const names: Record<string, string> = pair ? { from: nameOf(pair.from), to: nameOf(pair.to) } : {};
    return (
      <div class="translation-bar">
        {progress === null ? (
          <button type="button" class="link dark" onClick={() => props.scope.download()}>
            <Download /> {detectorToFetch ? s("downloadDetector") : s("download", names)}
          </button>
        ) : (
          <Progress label={detectorToFetch ? s("downloadingDetector") : s("downloading", names)} loaded={progress} />
        )}
        {error && <span class="error">{error === "click" ? s("clickAgain") : s("downloadFailed", { reason: error })}</span>}
      </div>
    );
  }
  if (!pair) return null;
  if (pair.availability === "unavailable") {
    return (
      <p class="translation-bar muted">
        <Languages /> {s("unavailable", { from: nameOf(pair.from), to: nameOf(pair.to) })}
      </p>
    );
  }
  return (
    <div class="translation-bar">
      <Languages /> <span>{s("pair", { from: nameOf(pair.from), to: nameOf(pair.to) })}</span>
      <label class="switch">
        <input type="checkbox" role="switch" checked={state.shown} onChange={(e) => void props.scope.setShown(e.currentTarget.checked)} />
        {s("show")}
      </label>
    </div>
  );
}

/** A customer message's translation, under the original, labelled as one. */
export function MessageTranslation(props: { scope: Scope; message: Message }) {
  const state = useScope(props.scope);
  const translation = props.scope.translationOf(props.message.id, agentLanguage(getLocale()));
  if (!state.shown || !translation) return null;
  return (
    <div class="translation">
      {translation.text === null ? <p class="muted">{s("failed")}</p> : <p lang={langAttr(translation.to)}>{translation.text}</p>}
      <small>
        <Languages /> {s("translatedFrom", { from: nameOf(translation.from) })}
      </small>
    </div>
  );
}

/**
 * "Translate draft to Spanish": the translation shows above the draft, which stays as the agent wrote it, and the
 * agent sends either. Editing the draft afterwards marks the translation as outdated rather than sending an old one.
 */
export function DraftTranslation(props: { scope: Scope; draft: string; onSend: (text: string) => void }) {
  const state = useScope(props.scope);
  const agent = agentLanguage(getLocale());
  const draft = props.draft.trim();
  const [result, setResult] = useState<{ source: string; to: string; text: string } | null>(null);
  const [busy, setBusy] = useState<{ loaded: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!draft) setResult(null);
  }, [draft]);

  const customer = state.language;
  if (!state.supported || !customer || sameLanguage(customer, agent) || (!result && !draft)) return null;

  function translate() {
    const source = draft;
    setError(null);
    setBusy({ loaded: null });
    // Called within the click: a model still to download for this direction may be fetched now.
    props.scope
      .translateDraft(source, agent, (loaded) => setBusy({ loaded }))
      .then(
        (done) => setResult({ source, ...done }),
        (e: unknown) =>
          setError(
            e instanceof NeedsClick
              ? s("clickAgain")
              : e instanceof PairUnavailable
                ? s("unavailable", { from: nameOf(e.from), to: nameOf(e.to) })
                : s("downloadFailed", { reason: (e as Error).message }),
          ),
      )
      .finally(() => setBusy(null));
  }

  const to = nameOf(result?.to ?? customer);
  return (
    <div class="draft-translation" role="group" aria-label={s("draftTitle", { to })}>
      {result ? (
        <>
          <p class="draft-translation-head">
            <Languages /> {s("draftTitle", { to })}
            <button type="button" class="icon-button dark" aria-label={s("closeDraft")} title={s("closeDraft")} onClick={() => setResult(null)}>
              <X />
            </button>
          </p>
          <p class="draft-translation-text" lang={langAttr(result.to)}>
            {result.text}
          </p>
          {result.source === draft ? (
            <div class="draft-translation-actions">
              <button type="button" onClick={() => props.onSend(result.text)}>
                {s("sendTranslation")}
              </button>
              <button type="button" class="secondary" onClick={() => props.onSend(draft)}>
                {s("sendOriginal")}
              </button>
            </div>
          ) : (
            <p class="muted">
              {s("draftChanged")}{" "}
              <button type="button" class="link dark" onClick={translate}>
                {s("translateAgain")}
              </button>
            </p>
          )}
        </>
      ) : busy ? (
        <Progress label={busy.loaded === null ? s("translating") : s("downloading", { from: nameOf(agent), to })} loaded={busy.loaded} />
      ) : (
        <button type="button" class="link dark" onClick={translate}>
          <Languages /> {s("draftButton", { to })}
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
