import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import type { Locale } from "../lib/i18n";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert } from "./ErrorAlert";
import { RulesEditor } from "./RulesEditor";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** Assignment rules, one number at a time. */
export function RulesPage(props: { api: ConsoleClient; me: Me; locale: Locale }) {
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  const people = useLoad(() => props.api.people().then((r) => r.people));
  const teams = useLoad(() => props.api.teams().then((r) => r.teams));
  // Only for the sentence about the grace period; the rules work without it.
  const workspace = useLoad(() => props.api.workspaceSettings().then((s) => s.graceSeconds));
  const [phoneNumberId, setPhoneNumberId] = useState<string | null>(null);
  const routing = useLoad(() => (phoneNumberId ? props.api.routing(phoneNumberId) : Promise.resolve(null)), [phoneNumberId]);

  useEffect(() => {
    if (!phoneNumberId && numbers.data?.[0]) setPhoneNumberId(numbers.data[0].phoneNumberId);
  }, [numbers.data]);

  return (
    <>
      <ErrorAlert error={numbers.error ?? people.error ?? teams.error ?? routing.error} />
      {numbers.data?.length === 0 && <p class="empty">{tr("options.numbers.none")}</p>}
      {numbers.data && numbers.data.length > 0 && (
        <label class="stacked number-picker">
          {tr("options.rules.number")}
          <select value={phoneNumberId ?? ""} onChange={(e) => setPhoneNumberId(e.currentTarget.value)}>
            {numbers.data.map((n) => (
              <option value={n.phoneNumberId}>
                {n.displayName} ({n.displayPhoneNumber})
              </option>
            ))}
          </select>
        </label>
      )}
      {phoneNumberId && routing.data && people.data && teams.data && (
        <RulesEditor
          key={phoneNumberId}
          api={props.api}
          phoneNumberId={phoneNumberId}
          initial={routing.data}
          people={people.data}
          teams={teams.data}
          workspaceGraceSeconds={workspace.data}
          locale={props.locale}
        />
      )}
    </>
  );
}
