import { useEffect, useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { AutomationEditor } from "./AutomationEditor";
import { ErrorAlert } from "./ErrorAlert";
import { NumberPicker } from "./NumberPicker";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** Business hours and automatic messages, one number at a time. */
export function AutomationPage(props: { api: ConsoleClient; me: Me; locale: Locale }) {
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  // The attributes a customer's language may be read from.
  const catalog = useLoad(() => props.api.catalog());
  const [phoneNumberId, setPhoneNumberId] = useState<string | null>(null);
  // Each answer names its number, so the form never opens one number's settings under another's name.
  const automation = useLoad(
    () => (phoneNumberId ? props.api.automation(phoneNumberId).then((settings) => ({ phoneNumberId, settings })) : Promise.resolve(null)),
    [phoneNumberId],
  );
  // Only for the nudge's sentence about the no-reply reassignment; the form works without it.
  const routing = useLoad(
    () => (phoneNumberId ? props.api.routing(phoneNumberId).then((r) => ({ phoneNumberId, noReplyMinutes: r.noReplyMinutes })) : Promise.resolve(null)),
    [phoneNumberId],
  );

  useEffect(() => {
    if (!phoneNumberId && numbers.data?.[0]) setPhoneNumberId(numbers.data[0].phoneNumberId);
  }, [numbers.data]);

  const number = numbers.data?.find((n) => n.phoneNumberId === phoneNumberId);
  const settings = automation.data?.phoneNumberId === phoneNumberId ? automation.data.settings : null;
  const noReplyMinutes = routing.data?.phoneNumberId === phoneNumberId ? routing.data.noReplyMinutes : undefined;

  return (
    <>
      <ErrorAlert error={numbers.error ?? catalog.error ?? automation.error} />
      {numbers.data?.length === 0 && <p class="empty">{tr("options.numbers.none")}</p>}
      {numbers.data && numbers.data.length > 0 && <NumberPicker numbers={numbers.data} value={phoneNumberId} onChange={setPhoneNumberId} />}
      {number && settings && catalog.data && (
        <AutomationEditor
          key={number.phoneNumberId}
          api={props.api}
          phoneNumberId={number.phoneNumberId}
          numberName={number.displayName}
          initial={settings}
          attributes={catalog.data.attributes}
          noReplyMinutes={noReplyMinutes}
          locale={props.locale}
        />
      )}
    </>
  );
}
