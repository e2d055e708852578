import { CopyField } from "./CopyField";
import { Dialog } from "./Dialog";
import { dateTime } from "./format";
import { tr } from "./strings";

/** A single-use link the server will not show again (it keeps only a hash): copy it now, send it yourself. */
export function LinkDialog(props: { title: string; label: string; url: string; expiresAt: number; onClose: () => void }) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <CopyField label={props.label} value={props.url} />
      <p class="muted">{tr("options.link.once", { date: dateTime(props.expiresAt) })}</p>
      <div class="dialog-actions">
        <button type="button" onClick={props.onClose}>
          {tr("options.close")}
        </button>
      </div>
    </Dialog>
  );
}
