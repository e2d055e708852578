import type { Env } from "../env";
import type { Principal } from "../lib/result";
import type { AuditLog } from "./audit-log";
import type { AutomationRules } from "./automation-rules";
import type { CannedResponses } from "./canned";
import type { Catalog } from "./catalog";
import type { AccountEvents } from "./events";
import type { Fanout } from "./fanout";
import type { FloorView } from "./floor";
import type { Invitations } from "./invitations";
import type { NumberOwnership } from "./number-ownership";
import type { Numbers } from "./numbers";
import type { People } from "./people";
import type { Sessions } from "./sessions";
import type { Settings } from "./settings";
import type { SocketTickets } from "./socket-tickets";
import type { Teams } from "./teams";
import type { WorkspaceArchive } from "./workspace-archive";

/** Who a change is recorded as: a person, or the deployment's operator. */
export type Actor = Pick<Principal, "personId" | "name">;

/**
 * The Workspace's concerns, each a module owning its tables and their SQL, reaching one another only through these
 * verbs. The Durable Object (Workspace.ts) builds them once and is the RPC surface in front of them.
 */
export interface Parts {
  readonly ctx: DurableObjectState;
  readonly sql: SqlStorage;
  readonly env: Env;
  readonly settings: Settings;
  readonly people: People;
  readonly sessions: Sessions;
  readonly tickets: SocketTickets;
  readonly invitations: Invitations;
  readonly numbers: Numbers;
  readonly ownership: NumberOwnership;
  readonly teams: Teams;
  readonly automation: AutomationRules;
  readonly catalog: Catalog;
  readonly canned: CannedResponses;
  readonly events: AccountEvents;
  readonly audit: AuditLog;
  readonly fanout: Fanout;
  readonly floor: FloorView;
  readonly archive: WorkspaceArchive;
}
