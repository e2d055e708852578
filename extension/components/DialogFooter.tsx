/** The end of every dialog form: what went wrong (if anything), then dismiss and submit. */
export function DialogFooter(props: { error: string | null; dismissLabel: string; submitLabel: string; onDismiss: () => void }) {
  return (
    <>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={props.onDismiss}>
          {props.dismissLabel}
        </button>
        <button type="submit">{props.submitLabel}</button>
      </div>
    </>
  );
}
