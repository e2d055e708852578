import type { CannedResponse } from "../../shared/catalog";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { CannedCsv } from "./CannedCsv";
import { CannedForm } from "./CannedForm";
import { ErrorAlert } from "./ErrorAlert";
import { EditDeleteButtons, ListTable, RowDialogs, useRowDialogs } from "./ListTable";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** The company's canned responses: the standard answers, with placeholders, for everyone or for chosen teams. */
export function CannedPage(props: { api: ConsoleClient; me: Me }) {
  const library = useLoad(() => props.api.cannedLibrary().then((r) => r.canned));
  const teams = useLoad(() => props.api.teams().then((r) => r.teams));
  const attributes = useLoad(() => props.api.catalog().then((c) => c.attributes.map((a) => a.key)));
  const dialogs = useRowDialogs<CannedResponse>();
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
          <ListTable
            rows={library.data ?? []}
            rowKey={(c) => c.id}
            head={{ label: tr("options.canned.shortcode"), cell: (c) => `/${c.shortcode}` }}
            columns={[
              { label: tr("options.canned.title"), cell: (c) => c.title },
              { label: tr("options.canned.body"), cell: (c) => c.body, class: "body-cell" },
              { label: tr("options.canned.language"), cell: (c) => c.language },
              { label: tr("options.canned.visibleTo"), cell: (c) => teamNames(c.teamIds) },
            ]}
            actions={(c) => <EditDeleteButtons name={`/${c.shortcode}`} onEdit={() => dialogs.edit(c)} onDelete={() => dialogs.remove(c)} />}
          />
        )}
      </section>
      <section class="panel" aria-labelledby="new-canned-title">
        <h2 id="new-canned-title">{tr("options.canned.new")}</h2>
        <CannedForm {...form} canned={null} onSaved={() => void library.reload()} />
      </section>
      <CannedCsv api={props.api} onImported={() => void library.reload()} />
      <RowDialogs
        dialogs={dialogs}
        editTitle={(c) => tr("options.canned.editTitle", { shortcode: c.shortcode })}
        form={(c, done) => <CannedForm {...form} canned={c} {...done} />}
        deleteTitle={(c) => tr("options.canned.deleteTitle", { shortcode: c.shortcode })}
        deleteMessage={tr("options.canned.deleteMessage")}
        onDelete={(c) => props.api.deleteCanned(c.id)}
        reload={library.reload}
      />
    </>
  );
}
