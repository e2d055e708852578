import { useEffect, useId, useState } from "preact/hooks";
import type { NumberDetail, WebhookSetup } from "../../shared/numbers";
import type { Person } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { CheckboxList } from "./CheckboxList";
import { ConfirmDialog } from "./ConfirmDialog";
import { CopyField } from "./CopyField";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { ago, dateTime } from "./format";
import { tr } from "./strings";

/** One number: what it is, whether it works (webhooks arriving, Meta's quality rating, the token, the outbox), and who serves it. */
export function NumberCard(props: {
  api: ConsoleClient;
  number: NumberDetail;
  people: Person[];
  admin: boolean;
  onChanged: (detail: NumberDetail) => void;
  onReconnect: () => void;
}) {
  const n = props.number;
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [confirming, setConfirming] = useState(false);

  async function check() {
    setChecking(true);
    setError(null);
    try {
      props.onChanged(await props.api.checkNumber(n.phoneNumberId));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setChecking(false);
    }
  }

  return (
    <article class={`panel number-card ${n.connected ? "" : "disconnected"}`} aria-labelledby={titleId}>
      <header class="card-head">
        <h2 id={titleId}>{n.displayName}</h2>
        <span class={`badge ${n.connected ? "ok" : "off"}`}>{n.connected ? tr("options.numbers.connected") : tr("options.numbers.disconnected")}</span>
      </header>
      <dl class="facts">
        <dt>{tr("options.numbers.phone")}</dt>
        <dd>
          {n.displayPhoneNumber}
          {n.verifiedName && ` · ${n.verifiedName}`}
        </dd>
        <dt>{tr("options.numbers.phoneNumberId")}</dt>
        <dd>{n.phoneNumberId}</dd>
        <dt>{tr("options.numbers.waba")}</dt>
        <dd>{n.wabaId ?? tr("options.numbers.noWaba")}</dd>
        <dt>{tr("options.numbers.since")}</dt>
        <dd>{n.connected || n.disconnectedAt === null ? dateTime(n.connectedAt) : tr("options.numbers.disconnectedAt", { time: dateTime(n.disconnectedAt) })}</dd>
        <dt>{tr("options.numbers.tokenSource")}</dt>
        <dd>{n.hasOwnToken ? tr("options.numbers.ownToken") : tr("options.numbers.serverToken")}</dd>
      </dl>
      <Health number={n} />
      <ErrorAlert error={error} />
      {props.admin && (
        <div class="card-actions">
          <button type="button" disabled={checking} onClick={() => void check()}>
            {checking ? tr("options.numbers.checking") : tr("options.numbers.check")}
          </button>
          {n.connected ? (
            <button type="button" class="danger" onClick={() => setConfirming(true)}>
              {tr("options.numbers.disconnect")}
            </button>
          ) : (
            <button type="button" onClick={props.onReconnect}>
              {tr("options.numbers.reconnect")}
            </button>
          )}
        </div>
      )}
      <Members {...props} />
      {props.admin && <NameAndToken {...props} />}
      {props.admin && <Webhook api={props.api} phoneNumberId={n.phoneNumberId} />}
      {confirming && (
        <ConfirmDialog
          title={tr("options.numbers.disconnectTitle", { name: n.displayName })}
          message={tr("options.numbers.disconnectMessage")}
          confirmLabel={tr("options.numbers.disconnect")}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            props.onChanged(await props.api.disconnectNumber(n.phoneNumberId));
            setConfirming(false);
          }}
        />
      )}
    </article>
  );
}

const QUALITY = {
  GREEN: "options.numbers.quality.green",
  YELLOW: "options.numbers.quality.yellow",
  RED: "options.numbers.quality.red",
  UNKNOWN: "options.numbers.quality.unknown",
} as const;

/** Each fact in words; the colours only repeat what the words say. */
function Health({ number }: { number: NumberDetail }) {
  const h = number.health;
  return (
    <section class="health">
      <h3>{tr("options.numbers.health")}</h3>
      <dl class="facts">
        <dt>{tr("options.numbers.lastWebhook")}</dt>
        <dd>{ago(h.lastWebhookAt)}</dd>
        <dt>{tr("options.numbers.quality")}</dt>
        <dd>
          <span class={`badge quality-${h.qualityRating.toLowerCase()}`}>{tr(QUALITY[h.qualityRating])}</span>
        </dd>
        <dt>{tr("options.numbers.token")}</dt>
        <dd class={h.tokenValid ? "" : "danger-text"}>{h.tokenValid ? tr("options.numbers.tokenValid") : tr("options.numbers.tokenInvalid", { detail: h.tokenDetail })}</dd>
        <dt>{tr("options.numbers.outbox")}</dt>
        <dd>{h.outboxLength === 0 ? tr("options.numbers.outboxEmpty") : tr("options.numbers.outboxWaiting", { n: h.outboxLength })}</dd>
        <dt>{tr("options.numbers.openSockets")}</dt>
        <dd>{tr("options.numbers.openSocketsCount", { n: h.openSockets })}</dd>
        <dt>{tr("options.numbers.checkedAt")}</dt>
        <dd>{ago(h.checkedAt)}</dd>
      </dl>
    </section>
  );
}

/** Who works on the number besides the teams in its rotation; admins change it, supervisors read it. */
function Members(props: { api: ConsoleClient; number: NumberDetail; people: Person[]; admin: boolean; onChanged: (detail: NumberDetail) => void }) {
  const [memberIds, setMemberIds] = useState(props.number.memberIds);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // Follows the saved list only when it changes: renaming the number (a new `number` object) must not untick what the
  // admin has ticked and not yet saved.
  useEffect(() => setMemberIds(props.number.memberIds), [props.number.memberIds.join(",")]);

  if (!props.admin) {
    const names = props.people.filter((p) => props.number.memberIds.includes(p.id)).map((p) => p.name);
    return (
      <p class="members">
        <strong>{tr("options.numbers.members")}:</strong> {names.length ? names.join(", ") : tr("options.numbers.noMembers")}
      </p>
    );
  }

  async function save() {
    setError(null);
    setSaved(false);
    try {
      props.onChanged(await props.api.updateNumber(props.number.phoneNumberId, { memberIds }));
      setSaved(true);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <div class="members">
      <CheckboxList
        legend={tr("options.numbers.members")}
        items={props.people.map((p) => ({ id: p.id, label: p.name }))}
        selected={memberIds}
        onChange={setMemberIds}
        empty={tr("options.numbers.noPeople")}
      />
      <ErrorAlert error={error} />
      <div class="form-actions">
        <span role="status">{saved ? tr("options.saved") : ""}</span>
        <button type="button" onClick={() => void save()}>
          {tr("options.numbers.saveMembers")}
        </button>
      </div>
    </div>
  );
}

/** Renaming, and replacing a token Meta stopped accepting; the token is write-only and checked with Meta on save. */
function NameAndToken(props: { api: ConsoleClient; number: NumberDetail; onChanged: (detail: NumberDetail) => void }) {
  const [displayName, setDisplayName] = useState(props.number.displayName);
  const [accessToken, setAccessToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const hintId = useId();

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const name = displayName.trim();
    try {
      props.onChanged(
        await props.api.updateNumber(props.number.phoneNumberId, {
          ...(name !== props.number.displayName ? { displayName: name } : {}),
          ...(accessToken.trim() ? { accessToken: accessToken.trim() } : {}),
        }),
      );
      setAccessToken("");
      setSaved(true);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="form" onSubmit={save}>
      <h3>{tr("options.numbers.settings")}</h3>
      <div class="form-grid">
        <label class="stacked">
          {tr("options.numbers.displayName")}
          <input required maxLength={80} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
        </label>
        <label class="stacked">
          {tr("options.numbers.newAccessToken")}
          <input type="password" autoComplete="off" aria-describedby={hintId} value={accessToken} onInput={(e) => setAccessToken(e.currentTarget.value)} />
        </label>
      </div>
      <p id={hintId} class="muted">
        {tr("options.numbers.newTokenHint")}
      </p>
      <ErrorAlert error={error} />
      <div class="form-actions">
        <span role="status">{saved ? tr("options.saved") : ""}</span>
        <button type="submit" disabled={displayName.trim() === props.number.displayName && !accessToken.trim()}>
          {tr("options.numbers.saveSettings")}
        </button>
      </div>
    </form>
  );
}

/** What to paste into Meta's dashboard so webhooks reach this server. */
function Webhook(props: { api: ConsoleClient; phoneNumberId: string }) {
  const [setup, setSetup] = useState<WebhookSetup | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    props.api
      .webhookSetup(props.phoneNumberId)
      .then(setSetup)
      .catch((e: unknown) => setError(messageOf(e)));
  }, [props.phoneNumberId]);

  return (
    <section class="webhook">
      <h3>{tr("options.numbers.webhook")}</h3>
      <p class="muted">{tr("options.numbers.webhookHint")}</p>
      <ErrorAlert error={error} />
      {setup && (
        <>
          <CopyField label={tr("options.numbers.callbackUrl")} value={setup.callbackUrl} />
          <CopyField label={tr("options.numbers.verifyToken")} value={setup.verifyToken} />
        </>
      )}
    </section>
  );
}
