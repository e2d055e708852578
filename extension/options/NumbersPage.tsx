import { useState } from "preact/hooks";
import type { NumberDetail } from "../../shared/numbers";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { ConnectNumberForm } from "./ConnectNumberForm";
import { ErrorAlert } from "./ErrorAlert";
import { NumberCard } from "./NumberCard";
import { tr } from "./strings";
import { useLoad } from "./useLoad";

/** The workspace's WhatsApp numbers and their health; admins connect, change and disconnect them. */
export function NumbersPage(props: { api: ConsoleClient; me: Me }) {
  const admin = props.me.agent.role === "admin";
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  const people = useLoad(() => props.api.people().then((r) => r.people.filter((p) => p.active)));
  /** A disconnected number to connect again: its ids fill the form. */
  const [reconnecting, setReconnecting] = useState<NumberDetail | null>(null);

  function replace(detail: NumberDetail) {
    const list = numbers.data ?? [];
    numbers.setData(list.some((n) => n.phoneNumberId === detail.phoneNumberId) ? list.map((n) => (n.phoneNumberId === detail.phoneNumberId ? detail : n)) : [...list, detail]);
  }

  return (
    <>
      {!admin && <p class="note">{tr("options.numbers.adminOnly")}</p>}
      <ErrorAlert error={numbers.error ?? people.error} />
      {numbers.data?.length === 0 && <p class="empty">{tr("options.numbers.none")}</p>}
      <div class="cards">
        {numbers.data?.map((n) => (
          <NumberCard
            key={n.phoneNumberId}
            api={props.api}
            number={n}
            people={people.data ?? []}
            admin={admin}
            onChanged={replace}
            onReconnect={() => setReconnecting(n)}
          />
        ))}
      </div>
      {admin && (
        <ConnectNumberForm
          key={reconnecting?.phoneNumberId ?? "new"}
          api={props.api}
          people={people.data ?? []}
          reconnect={reconnecting}
          onConnected={(detail) => {
            setReconnecting(null);
            replace(detail);
          }}
        />
      )}
    </>
  );
}
