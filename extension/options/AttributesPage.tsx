import { useState } from "preact/hooks";
import type { AttributeDefinition } from "../../shared/catalog";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { AttributeForm, TYPE_LABEL } from "./AttributeForm";
import { ConfirmDialog } from "./ConfirmDialog";
import { Dialog } from "./Dialog";
import { ErrorAlert } from "./ErrorAlert";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** The facts the team records about a customer during a chat (e.g. 备注), and whether agents may edit them. */
export function AttributesPage(props: { api: ConsoleClient; me: Me }) {
  const catalog = useLoad(() => props.api.catalog());
  const [editing, setEditing] = useState<AttributeDefinition | null>(null);
  const [deleting, setDeleting] = useState<AttributeDefinition | null>(null);
  const attributes = catalog.data?.attributes ?? [];

  return (
    <>
      <section class="panel" aria-labelledby="attributes-title">
        <h2 id="attributes-title">{tr("options.attributes.title")}</h2>
        <ErrorAlert error={catalog.error} />
        {catalog.data && attributes.length === 0 ? (
          <p class="empty">{tr("options.attributes.none")}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{tr("options.attributes.key")}</th>
                  <th scope="col">{tr("options.attributes.labelZh")}</th>
                  <th scope="col">{tr("options.attributes.labelEn")}</th>
                  <th scope="col">{tr("options.attributes.type")}</th>
                  <th scope="col">{tr("options.attributes.options")}</th>
                  <th scope="col">{tr("options.attributes.agentsCanEdit")}</th>
                  <th scope="col">{tr("options.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {attributes.map((a) => (
                  <tr key={a.key}>
                    <th scope="row">
                      <code>{a.key}</code>
                    </th>
                    <td>{a.labelZh}</td>
                    <td>{a.labelEn}</td>
                    <td>{tr(TYPE_LABEL[a.type])}</td>
                    <td>{a.options.join(", ") || "—"}</td>
                    <td>{a.agentsCanEdit ? tr("options.yes") : tr("options.no")}</td>
                    <td>
                      <div class="row-buttons">
                        <button type="button" class="small" aria-label={`${tr("options.edit")} ${a.key}`} onClick={() => setEditing(a)}>
                          {tr("options.edit")}
                        </button>
                        <button type="button" class="small danger" aria-label={`${tr("options.delete")} ${a.key}`} onClick={() => setDeleting(a)}>
                          {tr("options.delete")}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="panel" aria-labelledby="new-attribute-title">
        <h2 id="new-attribute-title">{tr("options.attributes.new")}</h2>
        <AttributeForm api={props.api} attribute={null} onSaved={() => void catalog.reload()} />
      </section>
      {editing && (
        <Dialog title={tr("options.attributes.editTitle", { key: editing.key })} onClose={() => setEditing(null)}>
          <AttributeForm
            api={props.api}
            attribute={editing}
            onSaved={() => {
              setEditing(null);
              void catalog.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={tr("options.attributes.deleteTitle", { key: deleting.key })}
          message={tr("options.attributes.deleteMessage")}
          confirmLabel={tr("options.delete")}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await props.api.deleteAttribute(deleting.key);
            setDeleting(null);
            await catalog.reload();
          }}
        />
      )}
    </>
  );
}
