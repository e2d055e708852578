import type { Conversation, DeliveryStatus, Message } from "../../shared/inbox";
import type { MessageContent, ReasonCode } from "../../shared/message-content";

/** Row shapes of the number's SQLite tables and their conversion to the API's types. */
export type Row = Record<string, SqlStorageValue>;

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3600_000;

/** A conversation's own columns in its list row. */
export const CONVERSATION_ROW_COLUMNS = [
  "id", "status", "assignee_id", "assignment_reason", "assignment_reason_code", "created_at", "last_message_at", "last_preview",
  "unread", "queued_at", "contact_id", "last_inbound_at", "team_id", "awaiting_reply_since", "snoozed_until",
  "resolve_reason", "csat_stars", "csat_comment", "csat_agent_id", "csat_rated_at", "csat_sent_at",
] as const;

/** Its contact's columns in the list row, each as the row names it. */
export const CONTACT_ROW_COLUMNS = ["wa_id", "user_id", "username", "language", "name AS contact_name", "last_agent_id", "last_served_at"] as const;

export const CONVERSATION_SELECT = `
  SELECT ${CONVERSATION_ROW_COLUMNS.map((column) => `c.${column}`).join(", ")},
         ${CONTACT_ROW_COLUMNS.map((column) => `k.${column}`).join(", ")},
         (SELECT json_group_array(tag_id) FROM contact_tags t WHERE t.contact_id = c.contact_id) AS tag_ids
  FROM conversations c JOIN contacts k ON k.id = c.contact_id`;

/**
 * The list row of a conversation just created for a contact just created, from the rows their INSERTs wrote
 * (inserted-row.ts): what the joined read would give (a new contact has no tags), without making it.
 */
export function freshConversationRow(conversation: Row, contact: Row): Row {
  return { ...conversation, ...contact, tag_ids: "[]" };
}

export function toConversation(row: Row, phoneNumberId: string): Conversation {
  const lastInbound = row.last_inbound_at as number | null;
  return {
    id: String(row.id),
    phoneNumberId,
    contact: {
      id: String(row.contact_id),
      waId: (row.wa_id as string | null) ?? null,
      userId: (row.user_id as string | null) ?? null,
      username: (row.username as string | null) ?? null,
      language: (row.language as string | null) ?? null,
      name: (row.contact_name as string | null) ?? null,
    },
    status: row.status as Conversation["status"],
    assigneeId: (row.assignee_id as string | null) ?? null,
    assignmentReason: (row.assignment_reason as string | null) ?? null,
    // Rows assigned before codes were stored keep their English sentence only.
    assignmentReasonCode: row.assignment_reason_code ? (JSON.parse(row.assignment_reason_code as string) as ReasonCode) : null,
    queuedAt: row.assignee_id === null && row.status === "open" ? ((row.queued_at as number | null) ?? null) : null,
    teamId: (row.team_id as string | null) ?? null,
    createdAt: row.created_at as number,
    lastMessageAt: row.last_message_at as number,
    lastMessagePreview: row.last_preview as string,
    unread: row.unread as number,
    windowClosesAt: lastInbound ? lastInbound + CUSTOMER_SERVICE_WINDOW_MS : null,
    snoozedUntil: row.status === "pending" ? ((row.snoozed_until as number | null) ?? null) : null,
    awaitingReplySince: row.status === "open" ? ((row.awaiting_reply_since as number | null) ?? null) : null,
    tags: row.tag_ids ? (JSON.parse(row.tag_ids as string) as string[]) : [],
    resolveReason: (row.resolve_reason as string | null) ?? null,
    csat:
      row.csat_sent_at === null || row.csat_sent_at === undefined
        ? null
        : {
            stars: (row.csat_stars as number | null) ?? null,
            comment: (row.csat_comment as string | null) ?? null,
            agentId: (row.csat_agent_id as string | null) ?? null,
            ratedAt: (row.csat_rated_at as number | null) ?? null,
          },
  };
}

export function toMessage(row: Row): Message {
  return {
    id: String(row.id),
    conversationId: String(row.conversation_id),
    direction: row.direction as Message["direction"],
    kind: row.kind as string,
    text: (row.text as string | null) ?? null,
    content: row.content ? (JSON.parse(row.content as string) as MessageContent) : {},
    wamid: (row.wamid as string | null) ?? null,
    status: (row.status as DeliveryStatus | null) ?? null,
    error:
      row.error_code === null || row.error_code === undefined
        ? null
        : { code: row.error_code as number, title: String(row.error_title ?? "") },
    authorId: (row.author_id as string | null) ?? null,
    clientId: (row.client_id as string | null) ?? null,
    timestamp: row.timestamp as number,
    origin: (row.origin as Message["origin"] | undefined) ?? null,
  };
}
