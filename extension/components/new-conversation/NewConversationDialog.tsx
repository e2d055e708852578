import { useEffect, useMemo, useState } from "preact/hooks";
import { contactLabel } from "../../../shared/contact-label";
import type { Contact, Conversation, Template } from "../../../shared/inbox";
import type { NewConversationResult } from "../../../shared/new-conversation";
import { checkPhone } from "../../../shared/phone";
import type { Me } from "../../../shared/people";
import type { Team } from "../../../shared/routing";
import type { ApiClient } from "../../lib/api";
import { getLocale } from "../../lib/i18n";
import { DialogFooter } from "../DialogFooter";
import { hasKey, nt } from "./strings";

/** Who the template goes to: a customer already on the number, or a phone number typed here. */
type Customer = { contact: Contact } | { phone: string; waId: string };

export interface NewConversationProps {
  api: ApiClient;
  /** The starter: their numbers, their name and role. */
  me: Pick<Me, "numbers" | "agent">;
  /** The workspace's teams: a supervisor may choose any, an agent their own (the server checks again). */
  teams: Team[];
  /** Opened from a conversation whose window closed: its number and customer, already chosen. */
  prefill?: Pick<Conversation, "phoneNumberId" | "contact"> | null;
  /** Told once the template went out (the dialog closes itself either way). */
  onStarted?: (result: NewConversationResult) => void;
  onClose: () => void;
}

/** The customer's language as far as it is known: what the panel detected, else the country their phone is in. */
function customerLanguage(customer: Customer | null): string | null {
  if (!customer) return null;
  if ("contact" in customer && customer.contact.language) return customer.contact.language.split("-")[0]!.toLowerCase();
  const waId = "contact" in customer ? customer.contact.waId : customer.waId;
  if (!waId) return null;
  return /^(86|852|853|886)/.test(waId) ? "zh" : null;
}

const languageOf = (template: Template) => template.language.split(/[_-]/)[0]!.toLowerCase();
/** Media and location headers need a file this dialog does not take: the composer's picker sends those. */
const textOnly = (template: Template) => template.headerFormat === "none" || template.headerFormat === "text";
const fill = (text: string, values: string[]) => text.replace(/\{\{\s*(\d+)\s*\}\}/g, (match, n: string) => values[Number(n) - 1]?.trim() || match);

type Refusal = { message: string; code?: string; params?: Record<string, string | number> };

/**
 * A refusal in the reader's language: a phone number's problem and "not on this number" in this dialog's words (they
 * say what to do here), every other code in the words all refusals share (extension/lib/error-text.ts).
 */
async function refusalText(error: Refusal): Promise<string> {
  const key = error.code?.startsWith("phone_") ? `newConversation.phone.${error.code.slice(6)}` : `newConversation.error.${error.code}`;
  if (error.code && hasKey(key)) return nt(key, error.params ?? {});
  const { errorText } = await import("../../lib/error-text");
  return errorText(error.code, error.params ?? {}, error.message);
}

/** What the server answered a start: the result, or its refusal (a network failure reads as one too). */
async function started(response: Promise<Response>): Promise<{ ok: true; value: NewConversationResult } | { ok: false; error: Refusal }> {
  try {
    const answer = await response;
    const json = (await answer.json().catch(() => null)) as (NewConversationResult & { error?: Refusal }) | null;
    if (answer.ok && json) return { ok: true, value: json };
    return { ok: false, error: json?.error ?? { message: `HTTP ${answer.status}` } };
  } catch (e) {
    return { ok: false, error: { message: (e as Error).message } };
  }
}

/**
 * "New conversation": a customer (a phone number with its country code, or a customer found by name, @username or
 * phone), an approved template in their language first, its variables with a live preview, and who takes it.
 * The side panel opens it from its header and from a conversation whose window closed; the options page reuses it.
 */
export function NewConversationDialog(props: NewConversationProps) {
  const { numbers, agent } = props.me;
  const teams = agent.role === "agent" ? props.teams.filter((team) => team.memberIds.includes(agent.id)) : props.teams;
  const [phoneNumberId, setPhoneNumberId] = useState(props.prefill?.phoneNumberId ?? numbers[0]?.phoneNumberId ?? "");
  const [customer, setCustomer] = useState<Customer | null>(props.prefill ? { contact: props.prefill.contact } : null);
  const [query, setQuery] = useState("");
  const [matches, setMatches] = useState<Contact[] | null>(null);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosenKey, setChosenKey] = useState("");
  const [header, setHeader] = useState<string[]>([]);
  const [body, setBody] = useState<string[]>([]);
  const [assignTo, setAssignTo] = useState<string>("me");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setTemplates(null);
    props.api
      .templates(phoneNumberId)
      .then((r) => setTemplates(r.templates.filter((x) => x.status === "APPROVED" && textOnly(x))))
      .catch((e: Error) => {
        setTemplates([]);
        setError(e.message);
      });
  }, [phoneNumberId]);

  // The existing search, as the agent types: customers by name, @username or phone, once each.
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) return setMatches(null);
    const timer = setTimeout(() => {
      props.api
        .search(phoneNumberId, q.replace(/^@/, ""))
        .then((r) => {
          const seen = new Map<string, Contact>();
          for (const { conversation } of r.results) seen.set(conversation.contact.id, conversation.contact);
          setMatches([...seen.values()].slice(0, 6));
        })
        .catch(() => setMatches([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [query, phoneNumberId]);

  const phone = query.trim() && /^[+\d(]/.test(query.trim()) ? checkPhone(query) : null;
  const language = customerLanguage(customer);
  const ordered = useMemo(() => {
    const all = templates ?? [];
    const theirs = language ? all.filter((x) => languageOf(x) === language) : [];
    return { theirs, others: all.filter((x) => !theirs.includes(x)) };
  }, [templates, language]);
  const chosen = templates?.find((x) => `${x.name}|${x.language}` === chosenKey) ?? null;

  function choose(key: string) {
    const template = templates?.find((x) => `${x.name}|${x.language}` === key) ?? null;
    setChosenKey(key);
    setHeader(Array(template?.headerVariables ?? 0).fill(""));
    setBody(Array(template?.bodyVariables ?? 0).fill(""));
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!customer) return setError(phone && !phone.ok ? nt(`newConversation.phone.${phone.problem}`) : nt("newConversation.pickCustomer"));
    if (!chosen) return setError(nt("newConversation.pickTemplate"));
    if ([...header, ...body].some((v) => !v.trim())) return setError(nt("newConversation.fillAll"));
    setError(null);
    setBusy(true);
    const result = await started(
      props.api.startConversation(phoneNumberId, {
        clientId: crypto.randomUUID(),
        to: "contact" in customer ? { contactId: customer.contact.id } : { phone: `+${customer.waId}` },
        template: { name: chosen.name, language: chosen.language, header: header.map((v) => v.trim()), body: body.map((v) => v.trim()) },
        assignTo: assignTo === "me" ? "me" : { teamId: assignTo.slice(5) },
      }),
    );
    setBusy(false);
    if (!result.ok) return setError(await refusalText(result.error));
    props.onStarted?.(result.value);
    props.onClose();
  }

  const option = (x: Template) => (
    <option value={`${x.name}|${x.language}`}>
      {x.name} ({x.language})
    </option>
  );
  const languageName = language ? (new Intl.DisplayNames([getLocale() === "zh" ? "zh-CN" : "en"], { type: "language" }).of(language) ?? language) : "";

  return (
    // Escape closes the dialog and goes no further (the panel's own Escape would close the conversation behind it).
    <div
      class="dialog-backdrop console-backdrop"
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        props.onClose();
      }}
    >
      <div class="dialog new-conversation console-dialog" role="dialog" aria-modal="true" aria-labelledby="new-conversation-title">
        <form class="dialog-form" onSubmit={submit}>
          <h2 id="new-conversation-title">{nt("newConversation.title")}</h2>
          <p class="hint">{nt("newConversation.intro")}</p>
          {numbers.length > 1 && (
            <label class="stacked">
              {nt("newConversation.number")}
              <select value={phoneNumberId} onChange={(e) => (setPhoneNumberId(e.currentTarget.value), setChosenKey(""))}>
                {numbers.map((n) => (
                  <option value={n.phoneNumberId}>{n.displayName}</option>
                ))}
              </select>
            </label>
          )}

          {customer ? (
            <p class="picked-customer">
              <span>
                {nt("newConversation.customer")}: <strong>{"contact" in customer ? contactLabel(customer.contact) : `+${customer.waId}`}</strong>
              </span>
              <button type="button" class="link" onClick={() => setCustomer(null)}>
                {nt("newConversation.change")}
              </button>
            </p>
          ) : (
            <div class="customer-picker">
              <label class="stacked">
                {nt("newConversation.customer")}
                <input
                  id="new-conversation-customer"
                  value={query}
                  placeholder={nt("newConversation.customerPlaceholder")}
                  autocomplete="off"
                  aria-invalid={phone !== null && !phone.ok}
                  aria-describedby="new-conversation-phone-state"
                  onInput={(e) => setQuery(e.currentTarget.value)}
                />
              </label>
              {phone && (
                <p id="new-conversation-phone-state" class={phone.ok ? "hint" : "error"}>
                  {phone.ok ? nt("newConversation.countryCode", { code: phone.countryCode }) : nt(`newConversation.phone.${phone.problem}`)}
                </p>
              )}
              {phone?.ok && (
                <button type="button" class="secondary use-phone" onClick={() => setCustomer({ phone: query, waId: phone.waId })}>
                  {nt("newConversation.usePhone", { phone: `+${phone.waId}` })}
                </button>
              )}
              {matches && matches.length > 0 && (
                <fieldset>
                  <legend>{nt("newConversation.matches")}</legend>
                  {matches.map((contact) => (
                    <button type="button" class="match" onClick={() => setCustomer({ contact })}>
                      {contactLabel(contact) ?? contact.userId}
                      {contact.waId && contactLabel(contact) !== `+${contact.waId}` && <span class="meta"> +{contact.waId}</span>}
                    </button>
                  ))}
                </fieldset>
              )}
            </div>
          )}

          <label class="stacked">
            {nt("newConversation.template")}
            {templates === null ? (
              <span class="hint">{nt("newConversation.templatesLoading")}</span>
            ) : templates.length === 0 ? (
              <span class="hint">{nt("newConversation.noTemplates")}</span>
            ) : (
              <select id="new-conversation-template" value={chosenKey} onChange={(e) => choose(e.currentTarget.value)}>
                <option value="">—</option>
                {ordered.theirs.length > 0 ? (
                  <>
                    <optgroup label={nt("newConversation.customerLanguage", { language: languageName })}>{ordered.theirs.map(option)}</optgroup>
                    <optgroup label={nt("newConversation.otherLanguages")}>{ordered.others.map(option)}</optgroup>
                  </>
                ) : (
                  ordered.others.map(option)
                )}
              </select>
            )}
          </label>
          {chosen && (
            <>
              {header.map((value, i) => (
                <label class="stacked">
                  {nt("newConversation.header", { n: i + 1 })}
                  <input value={value} onInput={(e) => setHeader(header.map((v, j) => (j === i ? e.currentTarget.value : v)))} />
                </label>
              ))}
              {body.map((value, i) => (
                <label class="stacked">
                  {nt("newConversation.body", { n: i + 1 })}
                  <input value={value} onInput={(e) => setBody(body.map((v, j) => (j === i ? e.currentTarget.value : v)))} />
                </label>
              ))}
              <figure class="template-bubble" aria-label={nt("newConversation.preview")}>
                <figcaption class="meta">{nt("newConversation.preview")}</figcaption>
                {chosen.header && <strong class="bubble-header">{fill(chosen.header, header)}</strong>}
                <p class="bubble-body">{fill(chosen.body, body)}</p>
                {chosen.footer && <p class="bubble-footer">{chosen.footer}</p>}
                {chosen.quickReplies.length > 0 && (
                  <div class="bubble-buttons">
                    {chosen.quickReplies.map((q) => (
                      <span>{q}</span>
                    ))}
                  </div>
                )}
              </figure>
            </>
          )}

          <label class="stacked">
            {nt("newConversation.assign")}
            <select id="new-conversation-assign" value={assignTo} onChange={(e) => (setAssignTo(e.currentTarget.value), setError(null))}>
              <option value="me">{nt("newConversation.me", { name: agent.name })}</option>
              {teams.map((team) => (
                <option value={`team:${team.id}`}>{nt("newConversation.team", { name: team.name })}</option>
              ))}
            </select>
          </label>
          <DialogFooter
            error={error}
            dismissLabel={nt("newConversation.cancel")}
            submitLabel={busy ? nt("newConversation.sending") : nt("newConversation.send")}
            onDismiss={props.onClose}
          />
        </form>
      </div>
    </div>
  );
}

export default NewConversationDialog;
