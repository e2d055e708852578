import type { Conversation, DeliveryStatus, Message } from "../../shared/inbox";
import type { MessageContent, ReasonCode } from "../../shared/message-content";

/** Row shapes of the number's SQLite tables and their conversion to the API's types. */
export type Row = Record<string, SqlStorageValue>;

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3600_000;

export const CONVERSATION_SELECT = `
  SELECT c.id, c.status, c.assignee_id, c.assignment_reason, c.assignment_reason_code, c.created_at, c.last_message_at, c.last_preview,
         c.unread, c.queued_at, c.contact_id, c.last_inbound_at, c.team_id, c.awaiting_reply_since, c.snoozed_until,
         c.resolve_reason, c.csat_stars, c.csat_comment, c.csat_agent_id, c.csat_rated_at, c.csat_sent_at,
         k.wa_id, k.user_id, k.username, k.language, k.name AS contact_name, k.last_agent_id, k.last_served_at,
         (SELECT json_group_array(tag_id) FROM contact_tags t WHERE t.contact_id = c.contact_id) AS tag_ids
  FROM conversations c JOIN contacts k ON k.id = c.contact_id`;

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
