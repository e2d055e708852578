import type { Me } from "../../shared/people";
import { MyResponsesEditor } from "../components/MyResponses";
import { useCatalog } from "../components/useCatalog";
import type { ConsoleClient } from "../lib/console-api";

/** Everyone's own canned responses, the same editor as the side panel's "My responses" dialog. */
export function MyCannedPage(props: { api: ConsoleClient; me: Me }) {
  const { catalog, reload } = useCatalog(props.api);
  return (
    <section class="panel my-canned">
      <MyResponsesEditor api={props.api} meId={props.me.agent.id} canned={catalog?.canned ?? []} onChanged={() => void reload()} />
    </section>
  );
}
