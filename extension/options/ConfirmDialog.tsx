import { useState } from "preact/hooks";
import { Dialog } from "./Dialog";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

/**
 * Asks before something that cannot simply be undone. Cancel comes first and takes the focus, so Enter on an
 * unread dialog does nothing harmful; a refusal from the server stays in the dialog.
 */
export function ConfirmDialog(props: { title: string; message: string; confirmLabel: string; onConfirm: () => Promise<void>; onCancel: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  }

  return (
    <Dialog title={props.title} onClose={props.onCancel}>
      <p>{props.message}</p>
      <ErrorAlert error={error} />
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {tr("options.cancel")}
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void confirm()}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
