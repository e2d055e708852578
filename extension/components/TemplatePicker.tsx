import { useEffect, useState } from "preact/hooks";
import type { Template } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import { nt } from "./new-conversation/strings";
import type { OutgoingRequest } from "./useInbox";

/** Outside the 24-hour window only an approved template may be sent; its variables are filled here. */
export function TemplatePicker(props: {
  api: ApiClient;
  phoneNumberId: string;
  onSend: (r: OutgoingRequest) => Promise<void>;
  /** Opens New conversation with this customer: another number, a team, or a conversation they closed. */
  onNewConversation?: () => void;
}) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosen, setChosen] = useState<Template | null>(null);
  const [header, setHeader] = useState<string[]>([]);
  const [body, setBody] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    props.api
      .templates(props.phoneNumberId)
      .then((r) => setTemplates(r.templates))
      .catch((e: Error) => {
        setTemplates([]);
        setError(e.message);
      });
  }, [props.phoneNumberId]);

  function choose(key: string) {
    const template = templates?.find((x) => `${x.name}|${x.language}` === key) ?? null;
    setChosen(template);
    setHeader(Array(template?.headerVariables ?? 0).fill(""));
    setBody(Array(template?.bodyVariables ?? 0).fill(""));
  }

  async function send(event: Event) {
    event.preventDefault();
    if (!chosen) return;
    if ([...header, ...body].some((v) => !v.trim())) return setError(t("templates.fillAll"));
    setError(null);
    try {
      await props.onSend({ type: "template", name: chosen.name, language: chosen.language, header, body });
      setChosen(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const preview = chosen ? chosen.body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => body[Number(n) - 1] || m) : "";
  return (
    <form class="template-picker" onSubmit={send} aria-label={t("templates.title")}>
      {templates?.length === 0 && !error && <p class="hint">{t("templates.none")}</p>}
      {templates && templates.length > 0 && (
        <label>
          {t("templates.choose")}
          <select value={chosen ? `${chosen.name}|${chosen.language}` : ""} onChange={(e) => choose(e.currentTarget.value)}>
            <option value="">—</option>
            {templates.map((x) => (
              <option value={`${x.name}|${x.language}`}>
                {x.name} ({x.language})
              </option>
            ))}
          </select>
        </label>
      )}
      {chosen && (
        <>
          {header.map((value, i) => (
            <label>
              {t("templates.header", { n: i + 1 })}
              <input value={value} onInput={(e) => setHeader(header.map((v, j) => (j === i ? e.currentTarget.value : v)))} />
            </label>
          ))}
          {body.map((value, i) => (
            <label>
              {t("templates.body", { n: i + 1 })}
              <input value={value} onInput={(e) => setBody(body.map((v, j) => (j === i ? e.currentTarget.value : v)))} />
            </label>
          ))}
          <p class="template-preview">{preview}</p>
          {chosen.quickReplies.length > 0 && <p class="meta-line">{chosen.quickReplies.map((q) => `[${q}]`).join(" ")}</p>}
          <button type="submit">{t("templates.send")}</button>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {props.onNewConversation && (
        <button type="button" class="link new-conversation-link" onClick={props.onNewConversation}>
          {nt("newConversation.withCustomer")}
        </button>
      )}
    </form>
  );
}
