import { app } from "./app";
import type { Env } from "./env";
import { consumeStatuses } from "./status-lane/consumer";

export { NumberInbox } from "./number-inbox/NumberInbox";
export { Workspace } from "./workspace/Workspace";
export { Directory } from "./directory/Directory";

export default {
  fetch: app.fetch,
  // The status lane's consumer (wrangler.toml [[queues.consumers]]).
  queue: (batch, env) => consumeStatuses(batch, env),
} satisfies ExportedHandler<Env>;
