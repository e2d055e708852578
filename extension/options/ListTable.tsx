import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ConfirmDialog } from "./ConfirmDialog";
import { Dialog } from "./Dialog";
import { tr } from "./strings";

export interface ListColumn<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  class?: string;
}

/**
 * A console list: the first column names the row (a row header, so a screen reader announces it with each cell),
 * and the last holds the row's actions.
 */
export function ListTable<T>(props: { rows: T[]; rowKey: (row: T) => string; head: ListColumn<T>; columns: ListColumn<T>[]; actions: (row: T) => ComponentChildren }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{props.head.label}</th>
            {props.columns.map((c) => (
              <th scope="col">{c.label}</th>
            ))}
            <th scope="col">{tr("options.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              <th scope="row">{props.head.cell(row)}</th>
              {props.columns.map((c) => (
                <td class={c.class}>{c.cell(row)}</td>
              ))}
              <td>{props.actions(row)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Edit and Delete, each labelled with the row's name so the buttons of different rows can be told apart. */
export function EditDeleteButtons(props: { name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <div class="row-buttons">
      <button type="button" class="small" aria-label={`${tr("options.edit")} ${props.name}`} onClick={props.onEdit}>
        {tr("options.edit")}
      </button>
      <button type="button" class="small danger" aria-label={`${tr("options.delete")} ${props.name}`} onClick={props.onDelete}>
        {tr("options.delete")}
      </button>
    </div>
  );
}

/** Which row is being edited and which is about to be deleted; at most one dialog shows. */
export function useRowDialogs<T>() {
  const [editing, setEditing] = useState<T | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  return { editing, deleting, edit: setEditing, remove: setDeleting, close: () => (setEditing(null), setDeleting(null)) };
}

/**
 * The edit dialog (around the same form that creates a row) and the delete confirmation of a list. After either
 * succeeds the list is loaded again.
 */
export function RowDialogs<T>(props: {
  dialogs: ReturnType<typeof useRowDialogs<T>>;
  editTitle: (row: T) => string;
  form: (row: T, done: { onSaved: () => void; onCancel: () => void }) => ComponentChildren;
  deleteTitle: (row: T) => string;
  deleteMessage: string;
  onDelete: (row: T) => Promise<unknown>;
  reload: () => Promise<unknown>;
}) {
  const { editing, deleting, close } = props.dialogs;
  return (
    <>
      {editing && (
        <Dialog title={props.editTitle(editing)} onClose={close}>
          {props.form(editing, {
            onSaved: () => {
              close();
              void props.reload();
            },
            onCancel: close,
          })}
        </Dialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={props.deleteTitle(deleting)}
          message={props.deleteMessage}
          confirmLabel={tr("options.delete")}
          onCancel={close}
          onConfirm={async () => {
            await props.onDelete(deleting);
            close();
            await props.reload();
          }}
        />
      )}
    </>
  );
}
