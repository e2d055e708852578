import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import type { Locale } from "../lib/i18n";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert } from "./ErrorAlert";
import { NumberPicker } from "./NumberPicker";
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
  // Each answer names its number: while another number's rules load, the last number's are not shown under its name.
  const routing = useLoad(
    () => (phoneNumberId ? props.api.routing(phoneNumberId).then((settings) => ({ phoneNumberId, settings })) : Promise.resolve(null)),
    [phoneNumberId],
  );

  useEffect(() => {
    if (!phoneNumberId && numbers.data?.[0]) setPhoneNumberId(numbers.data[0].phoneNumberId);
  }, [numbers.data]);

  const settings = routing.data?.phoneNumberId === phoneNumberId ? routing.data.settings : null;

  return (
    <>
      <ErrorAlert error={numbers.error ?? people.error ?? teams.error ?? routing.error} />
      {numbers.data?.length === 0 && <p class="empty">{tr("options.numbers.none")}</p>}
      {numbers.data && numbers.data.length > 0 && <NumberPicker numbers={numbers.data} value={phoneNumberId} onChange={setPhoneNumberId} />}
      {phoneNumberId && settings && people.data && teams.data && (
        <RulesEditor
          key={phoneNumberId}
          api={props.api}
          phoneNumberId={phoneNumberId}
          initial={settings}
          people={people.data}
          teams={teams.data}
          workspaceGraceSeconds={workspace.data}
          locale={props.locale}
        />
      )}
    </>
  );
}
