import type { Env } from "../env";
import { Access } from "./access";
import { ActivityLog } from "./activity";
import { NumberArchive } from "./archive";
import { Assignment } from "./assignment";
import { atomicSteps } from "./atomic-step";
import { AutoReplies } from "./auto-replies";
import { AutomaticMessages } from "./automatic-messages";
import { Board } from "./board";
import { Bulk } from "./bulk";
import { Coexistence } from "./coexistence";
import { Contacts } from "./contacts";
import { type Clock, inboxContext } from "./context";
import { Conversations } from "./conversations";
import { Deadlines } from "./deadlines";
import { EarlyStatuses } from "./early-statuses";
import { GroupCommit } from "./group-commit";
import { Health } from "./health";
import { Inbound } from "./inbound";
import { Lifecycle } from "./lifecycle";
import { Membership } from "./membership";
import { Messages } from "./messages";
import { Outbox } from "./outbox";
import { Pushes } from "./pushes";
import { Replies } from "./replies";
import { Roster } from "./roster";
import { Search } from "./search";
import { Settings } from "./settings";
import { PresenceEvents } from "./presence-events";
import { Sockets } from "./sockets";
import { Starts } from "./starts";
import { Statuses } from "./statuses";
import { Survey } from "./survey";
import { TemplateLibrary } from "./template-library";
import { Unreadable } from "./unreadable";
import { Views } from "./views";
import { COMMIT_HOLD_LIMIT_MS, MAX_DELIVERIES_PER_COMMIT, WebhookDelivery, type Delivered, type Delivery } from "./webhook-delivery";

/**
 * Every concern of one number, each given what it uses, in this order: tables and the runtime first, then the
 * concerns that use them, so no module reaches back up the list. The shell (NumberInbox.ts) keeps what this returns
 * and calls into it; README.md says which module owns which table.
 */
export function composeNumberInbox(ctx: DurableObjectState, env: Env, clock: Clock) {
  const c = inboxContext(ctx.storage, clock);
  const settings = new Settings(ctx.storage.sql, env);
  const sockets = new Sockets(ctx, c.now);
  const roster = new Roster(c, settings, sockets);
  const conversations = new Conversations(c, settings);
  const messages = new Messages(c);
  const board = new Board(c, settings, roster, sockets);
  const pushes = new Pushes(sockets, settings, conversations, messages, roster, board);
  /** An agent's status or presence changed: everyone on the number hears it, and analytics log it. */
  const presenceChanged = (agentId: string) => {
    pushes.presence(agentId);
    board.notePresence(agentId);
  };
  const health = new Health(c, settings, pushes);
  const activity = new ActivityLog(c, messages, pushes, (id) => roster.nameOf(id));
  const unreadable = new Unreadable(c, settings);
  const access = new Access(settings, conversations, messages, roster);
  const contacts = new Contacts(c, settings, access, conversations, pushes);
  const statuses = new Statuses(c, messages, new EarlyStatuses(c), health);
  // The alarm is built last (it reaches most concerns); the outbox and the group commit only ever call it later.
  let deadlines: Deadlines | undefined;
  const schedule = (after?: "customer_message" | "any") => deadlines!.schedule(after);
  const outbox = new Outbox(c, settings, statuses, health, pushes, () => schedule());
  const templates = new TemplateLibrary(c, settings);
  const replies = new Replies(c, settings, access, conversations, messages, contacts, roster, templates, outbox, board, pushes);
  const assignment = new Assignment(c, settings, access, roster, conversations, activity, board, pushes);
  const automatic = new AutomaticMessages(settings, conversations, messages, contacts, outbox, health, board, pushes);
  const starts = new Starts(c, settings, roster, conversations, messages, contacts, templates, assignment, outbox, health, board, pushes);
  const survey = new Survey(c, settings, automatic, activity, board);
  const autoReplies = new AutoReplies(c, settings, conversations, automatic, survey, assignment, roster, activity, board, pushes);
  const lifecycle = new Lifecycle(c, access, conversations, roster, assignment, survey, activity, board, pushes);
  const bulk = new Bulk(c, conversations, contacts, assignment, lifecycle);
  const inbound = new Inbound(c, settings, contacts, conversations, messages, roster, survey, activity, board, pushes, unreadable, health);
  const coexistence = new Coexistence(c, contacts, conversations, messages, board, unreadable, health);
  const views = new Views(settings, access, conversations, messages, pushes);
  const search = new Search(access, contacts, conversations, messages);
  const archive = new NumberArchive(ctx.storage, settings, messages);
  const atomic = atomicSteps(ctx.storage, pushes, board);
  const atomically = atomic.step;
  const delivery = new WebhookDelivery(c, atomically, health, inbound, coexistence, assignment, autoReplies, survey, statuses, pushes);
  /** Webhook deliveries that arrive together, each its own transaction, share one commit (group-commit.ts). */
  const deliveries = new GroupCommit<Delivery, Delivered>({
    run: (one) => delivery.deliver(one),
    together: atomic.together,
    afterwards: async (done) => {
      if (done.some((d) => d.customerWrote)) await schedule("customer_message");
    },
    defer: (flush, afterMs) => setTimeout(flush, afterMs),
    maxGroup: MAX_DELIVERIES_PER_COMMIT,
    holdLimitMs: COMMIT_HOLD_LIMIT_MS,
    now: () => Date.now(),
  });
  deadlines = new Deadlines(c, ctx.storage, settings, roster, outbox, lifecycle, assignment, autoReplies, board, pushes, presenceChanged);
  const membership = new Membership(c, settings, sockets, roster, health, outbox, assignment, board, pushes, archive, deadlines, presenceChanged);
  const presence = new PresenceEvents(c, settings, sockets, roster, assignment, pushes, deadlines, presenceChanged);
  return {
    settings,
    sockets,
    roster,
    conversations,
    messages,
    board,
    pushes,
    health,
    access,
    contacts,
    statuses,
    outbox,
    templates,
    replies,
    starts,
    assignment,
    lifecycle,
    bulk,
    views,
    search,
    archive,
    unreadable,
    atomically,
    delivery,
    deliveries,
    deadlines,
    membership,
    presence,
    presenceChanged,
  };
}

export type NumberParts = ReturnType<typeof composeNumberInbox>;
