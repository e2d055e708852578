import { useState } from "preact/hooks";
import type { CannedResponse } from "../../shared/catalog";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { CannedCsv } from "./CannedCsv";
import { CannedForm } from "./CannedForm";
import { ConfirmDialog } from "./ConfirmDialog";
import { Dialog } from "./Dialog";
import { ErrorAlert } from "./ErrorAlert";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** The company's canned responses: the standard answers, with placeholders, for everyone or for chosen teams. */
export function CannedPage(props: { api: ConsoleClient; me: Me }) {
  const library = useLoad(() => props.api.cannedLibrary().then((r) => r.canned));
  const teams = useLoad(() => props.api.teams().then((r) => r.teams));
  const attributes = useLoad(() => props.api.catalog().then((c) => c.attributes.map((a) => a.key)));
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const [deleting, setDeleting] = useState<CannedResponse | null>(null);
  const teamNames = (ids: string[]) =>
    ids.length === 0 ? tr("options.canned.everyone") : ids.map((id) => teams.data?.find((t) => t.id === id)?.name ?? id).join(", ");
  const form = { api: props.api, teams: teams.data ?? [], attributeKeys: attributes.data ?? [] };

  return (
    <>
      <section class="panel" aria-labelledby="library-title">
        <h2 id="library-title">{tr("options.canned.library")}</h2>
        <ErrorAlert error={library.error ?? teams.error} />
        {library.data?.length === 0 ? (
          <p class="empty">{tr("options.canned.none")}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{tr("options.canned.shortcode")}</th>
                  <th scope="col">{tr("options.canned.title")}</th>
                  <th scope="col">{tr("options.canned.body")}</th>
                  <th scope="col">{tr("options.canned.language")}</th>
                  <th scope="col">{tr("options.canned.visibleTo")}</th>
                  <th scope="col">{tr("options.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {library.data?.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">/{c.shortcode}</th>
                    <td>{c.title}</td>
                    <td class="body-cell">{c.body}</td>
                    <td>{c.language}</td>
                    <td>{teamNames(c.teamIds)}</td>
                    <td>
                      <div class="row-buttons">
                        <button type="button" class="small" aria-label={`${tr("options.edit")} /${c.shortcode}`} onClick={() => setEditing(c)}>
                          {tr("options.edit")}
                        </button>
                        <button type="button" class="small danger" aria-label={`${tr("options.delete")} /${c.shortcode}`} onClick={() => setDeleting(c)}>
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
      <section class="panel" aria-labelledby="new-canned-title">
        <h2 id="new-canned-title">{tr("options.canned.new")}</h2>
        <CannedForm {...form} canned={null} onSaved={() => void library.reload()} />
      </section>
      <CannedCsv api={props.api} onImported={() => void library.reload()} />
      {editing && (
        <Dialog title={tr("options.canned.editTitle", { shortcode: editing.shortcode })} onClose={() => setEditing(null)}>
          <CannedForm
            {...form}
            canned={editing}
            onSaved={() => {
              setEditing(null);
              void library.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={tr("options.canned.deleteTitle", { shortcode: deleting.shortcode })}
          message={tr("options.canned.deleteMessage")}
          confirmLabel={tr("options.delete")}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await props.api.deleteCanned(deleting.id);
            setDeleting(null);
            await library.reload();
          }}
        />
      )}
    </>
  );
}
