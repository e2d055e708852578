import { useId, useState } from "preact/hooks";
import type { NumberDetail } from "../../shared/numbers";
import type { Me } from "../../shared/people";
import type { UnreadableDelivery } from "../../shared/unreadable";
import type { ConsoleClient } from "../lib/console-api";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { dateTime } from "./format";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/**
 * What Meta's webhooks carried that no conversation could hold (no sender, no message id, not a message, too
 * large…), per number: when it came, why it could not be filed, and the JSON as Meta sent it. A supervisor reads
 * it, perhaps tells the customer or Meta, and dismisses it.
 */
export function UnreadablePage(props: { api: ConsoleClient; me: Me }) {
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  return (
    <>
      <p>{tr("options.unreadable.intro")}</p>
      <ErrorAlert error={numbers.error} />
      {numbers.data?.length === 0 && <p class="empty">{tr("options.numbers.none")}</p>}
      {numbers.data?.map((n) => <NumberDeliveries key={n.phoneNumberId} api={props.api} number={n} />)}
    </>
  );
}

function NumberDeliveries(props: { api: ConsoleClient; number: NumberDetail }) {
  const { api, number } = props;
  const titleId = useId();
  const list = useLoad(() => api.unreadable(number.phoneNumberId), [number.phoneNumberId]);
  const [dismissing, setDismissing] = useState<UnreadableDelivery | null>(null);
  const deliveries = list.data?.deliveries ?? [];
  const total = list.data?.total ?? 0;

  return (
    <section class="panel unreadable-number" aria-labelledby={titleId}>
      <header class="card-head">
        <h2 id={titleId}>
          {number.displayName} · {number.displayPhoneNumber}
        </h2>
        {list.data && <span class={`badge ${total > 0 ? "quality-yellow" : "ok"}`}>{tr("options.unreadable.count", { n: total })}</span>}
      </header>
      <ErrorAlert error={list.error} />
      {list.data && list.data.dropped > 0 && <p class="note">{tr("options.unreadable.dropped", { n: list.data.dropped })}</p>}
      {list.data && total === 0 && <p class="empty">{tr("options.unreadable.none")}</p>}
      {total > deliveries.length && <p class="muted">{tr("options.unreadable.newest", { shown: deliveries.length, total })}</p>}
      <ul class="unreadable-list">
        {deliveries.map((d) => (
          <Delivery key={d.id} api={api} phoneNumberId={number.phoneNumberId} delivery={d} onDismiss={() => setDismissing(d)} />
        ))}
      </ul>
      {dismissing && (
        <ConfirmDialog
          title={tr("options.unreadable.dismissTitle")}
          message={tr("options.unreadable.dismissMessage")}
          confirmLabel={tr("options.unreadable.dismiss")}
          onCancel={() => setDismissing(null)}
          onConfirm={async () => {
            await api.dismissUnreadable(number.phoneNumberId, dismissing.id);
            setDismissing(null);
            if (list.data) list.setData({ ...list.data, deliveries: deliveries.filter((d) => d.id !== dismissing.id), total: total - 1 });
          }}
        />
      )}
    </section>
  );
}

/** The JSON indented when it is whole; a shortened one is shown as it is. */
function readable(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

function Delivery(props: { api: ConsoleClient; phoneNumberId: string; delivery: UnreadableDelivery; onDismiss: () => void }) {
  const d = props.delivery;
  const jsonId = useId();
  const [whole, setWhole] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const raw = whole ?? d.raw;
  const shortened = whole === null && d.rawChars > d.raw.length;

  async function showWhole() {
    setError(null);
    try {
      setWhole((await props.api.unreadableDelivery(props.phoneNumberId, d.id)).raw);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <li class="unreadable">
      <div class="unreadable-head">
        <strong>{tr(`options.unreadable.reason.${d.reason}`)}</strong>
        <span class="muted">
          {dateTime(d.receivedAt)}
          {d.wamid && <> · <code>{d.wamid}</code></>}
        </span>
        <button type="button" class="small secondary" aria-label={`${tr("options.unreadable.dismiss")}: ${tr(`options.unreadable.reason.${d.reason}`)}, ${dateTime(d.receivedAt)}`} onClick={props.onDismiss}>
          {tr("options.unreadable.dismiss")}
        </button>
      </div>
      <p class="unreadable-detail">{d.detail}</p>
      <p class="muted" id={jsonId}>
        {tr("options.unreadable.json", { n: d.rawChars.toLocaleString() })}
      </p>
      <pre class="unreadable-json" aria-labelledby={jsonId} tabIndex={0}>
        {readable(raw)}
      </pre>
      {shortened && (
        <button type="button" class="small link" onClick={() => void showWhole()}>
          {tr("options.unreadable.showWhole")}
        </button>
      )}
      <ErrorAlert error={error} />
    </li>
  );
}
