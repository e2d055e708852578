import type { AttributeDefinition } from "../../shared/catalog";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { AttributeForm, TYPE_LABEL } from "./AttributeForm";
import { ErrorAlert } from "./ErrorAlert";
import { EditDeleteButtons, ListTable, RowDialogs, useRowDialogs } from "./ListTable";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** The facts the team records about a customer during a chat (e.g. 备注), and whether agents may edit them. */
export function AttributesPage(props: { api: ConsoleClient; me: Me }) {
  const catalog = useLoad(() => props.api.catalog());
  const dialogs = useRowDialogs<AttributeDefinition>();
  const attributes = catalog.data?.attributes ?? [];

  return (
    <>
      <section class="panel" aria-labelledby="attributes-title">
        <h2 id="attributes-title">{tr("options.attributes.title")}</h2>
        <ErrorAlert error={catalog.error} />
        {catalog.data && attributes.length === 0 ? (
          <p class="empty">{tr("options.attributes.none")}</p>
        ) : (
          <ListTable
            rows={attributes}
            rowKey={(a) => a.key}
            head={{ label: tr("options.attributes.key"), cell: (a) => <code>{a.key}</code> }}
            columns={[
              { label: tr("options.attributes.labelZh"), cell: (a) => a.labelZh },
              { label: tr("options.attributes.labelEn"), cell: (a) => a.labelEn },
              { label: tr("options.attributes.type"), cell: (a) => tr(TYPE_LABEL[a.type]) },
              { label: tr("options.attributes.options"), cell: (a) => a.options.join(", ") || "—" },
              { label: tr("options.attributes.agentsCanEdit"), cell: (a) => (a.agentsCanEdit ? tr("options.yes") : tr("options.no")) },
            ]}
            actions={(a) => <EditDeleteButtons name={a.key} onEdit={() => dialogs.edit(a)} onDelete={() => dialogs.remove(a)} />}
          />
        )}
      </section>
      <section class="panel" aria-labelledby="new-attribute-title">
        <h2 id="new-attribute-title">{tr("options.attributes.new")}</h2>
        <AttributeForm api={props.api} attribute={null} onSaved={() => void catalog.reload()} />
      </section>
      <RowDialogs
        dialogs={dialogs}
        editTitle={(a) => tr("options.attributes.editTitle", { key: a.key })}
        form={(a, done) => <AttributeForm api={props.api} attribute={a} {...done} />}
        deleteTitle={(a) => tr("options.attributes.deleteTitle", { key: a.key })}
        deleteMessage={tr("options.attributes.deleteMessage")}
        onDelete={(a) => props.api.deleteAttribute(a.key)}
        reload={catalog.reload}
      />
    </>
  );
}
