import { useEffect, useState } from "preact/hooks";
import type { NumberAgent, Team } from "../../shared/routing";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import { DialogFooter } from "./DialogFooter";

/** The transfer picker: agents with live status and load, teams, a note; supervisors may force. */
export function TransferDialog(props: {
  api: ApiClient;
  phoneNumberId: string;
  agents: NumberAgent[];
  meId: string;
  supervisor: boolean;
  onTransfer: (target: { toAgentId?: string; toTeamId?: string; note?: string; force?: boolean }) => Promise<void>;
  onClose: () => void;
}) {
  const [teams, setTeams] = useState<Team[]>([]);
  // Fresh on every opening: who is Available and how loaded they are right now.
  const [agents, setAgents] = useState<NumberAgent[]>(props.agents);
  const [target, setTarget] = useState<string>("");
  const [note, setNote] = useState("");
  const [force, setForce] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    props.api
      .agents(props.phoneNumberId)
      .then((r) => setAgents(r.agents))
      .catch(() => undefined);
    props.api
      .teams()
      .then((r) => setTeams(r.teams.filter((team) => team.memberIds.some((id) => props.agents.some((a) => a.id === id)))))
      .catch(() => setTeams([]));
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!target) return setError(t("transfer.pick"));
    const [kind, id] = target.split(":") as ["agent" | "team", string];
    try {
      await props.onTransfer({
        ...(kind === "agent" ? { toAgentId: id } : { toTeamId: id }),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(force ? { force: true } : {}),
      });
      props.onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const others = agents.filter((a) => a.id !== props.meId);
  return (
    <div class="dialog-backdrop">
      <div class="dialog transfer" role="dialog" aria-modal="true" aria-labelledby="transfer-title">
      <form class="dialog-form" onSubmit={submit}>
        <h2 id="transfer-title">{t("transfer.title")}</h2>
        <fieldset>
          <legend>{t("transfer.agents")}</legend>
          {others.map((a) => (
            <label class="choice-row">
              <input type="radio" name="target" value={`agent:${a.id}`} checked={target === `agent:${a.id}`} onChange={() => setTarget(`agent:${a.id}`)} />
              <span class={`dot ${a.status}`} aria-hidden="true" />
              <span class="name">{a.name}</span>
              <span class="meta">
                {a.present ? t(a.status === "available" ? "status.available" : "status.away") : t("transfer.offline")} ·{" "}
                {a.capacity === null ? t("transfer.load", { load: a.load }) : t("transfer.loadCapacity", { load: a.load, capacity: a.capacity })}
              </span>
            </label>
          ))}
        </fieldset>
        {teams.length > 0 && (
          <fieldset>
            <legend>{t("transfer.teams")}</legend>
            {teams.map((team) => (
              <label class="choice-row">
                <input type="radio" name="target" value={`team:${team.id}`} checked={target === `team:${team.id}`} onChange={() => setTarget(`team:${team.id}`)} />
                <span class="name">{team.name}</span>
              </label>
            ))}
          </fieldset>
        )}
        <label class="stacked">
          {t("transfer.note")}
          <textarea rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        {props.supervisor && (
          <label class="checkbox">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} /> {t("transfer.force")}
          </label>
        )}
        <DialogFooter error={error} dismissLabel={t("transfer.cancel")} submitLabel={t("transfer.submit")} onDismiss={props.onClose} />
      </form>
      </div>
    </div>
  );
}
