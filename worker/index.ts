import { app } from "./app";
import type { Env } from "./env";
import { countedEnv } from "./bench-probes/call-count";
import { consumeStatuses } from "./status-lane/consumer";

export { NumberInbox } from "./number-inbox/NumberInbox";
export { Workspace } from "./workspace/Workspace";
export { Directory } from "./directory/Directory";
export { BenchFloor } from "./bench-probes/BenchFloor";

export default {
  fetch: app.fetch,
  // The status lane's consumer (wrangler.toml [[queues.consumers]]).
  queue: (batch, env) => consumeStatuses(batch, countedEnv(env, "status lane")),
} satisfies ExportedHandler<Env>;
