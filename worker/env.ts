import type { NumberInbox } from "./number-inbox/NumberInbox";
import type { Workspace } from "./workspace/Workspace";
import type { Directory } from "./directory/Directory";
import type { LaneMessage } from "./status-lane/lane-message";
import type { BenchFloor } from "./bench-probes/BenchFloor";

export interface Env {
  NUMBER_INBOX: DurableObjectNamespace<NumberInbox>;
  WORKSPACE: DurableObjectNamespace<Workspace>;
  DIRECTORY: DurableObjectNamespace<Directory>;
  /** The status lane: webhook statuses wait here to be applied to their number's object in batches. */
  STATUS_LANE: Queue<LaneMessage>;
  /** The benchmark's floor object (worker/bench-probes/); inert unless BENCH_PROBES is "1". */
  BENCH_FLOOR: DurableObjectNamespace<BenchFloor>;
  /** Meta app secret: the key of X-Hub-Signature-256. */
  WHATSAPP_APP_SECRET: string;
  /** The string typed into Meta's dashboard for the GET verification handshake. */
  WHATSAPP_VERIFY_TOKEN: string;
  /** System-user token used to call the Graph API. */
  WHATSAPP_ACCESS_TOKEN: string;
  GRAPH_API_BASE: string;
  GRAPH_API_VERSION: string;
  /** Comma-separated origins allowed by CORS (the extension's origin, web origins). */
  ALLOWED_ORIGINS: string;
  /** 32 random bytes (base64): seals per-number access tokens at rest. */
  TOKEN_ENCRYPTION_KEY?: string;
  /** "1" only in tests: lets them move a number's clock forward (analytics scenarios). */
  TEST_CLOCK?: string;
  /**
   * "1" only in the benchmark's and the end-to-end tests' deployments: serves the probes under /bench (each number's
   * status-lane tally, the ingest floors, the count of calls between objects); anywhere else they do not exist.
   */
  BENCH_PROBES?: string;
  /**
   * "1" only in the scale simulation's deployment (bench/scale.ts): every call between objects is counted, by
   * wrapping each binding in a counting proxy. Off in the rest of the benchmark, whose timings must not include it.
   */
  BENCH_COUNT_CALLS?: string;
  /** Bearer secret for the operator's routes under /api/setup: workspaces, numbers, moves and imports. */
  SETUP_TOKEN?: string;
  /**
   * "single": the deployment serves one company (a second workspace is refused) and the deployment's access token
   * serves all its numbers. Anything else, and unset, is "multi": see worker/lib/deployment.ts.
   */
  DEPLOYMENT_MODE?: string;
}
