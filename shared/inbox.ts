import { z } from "zod";
import { numberBoardSchema } from "./analytics";
import { messageContentSchema, reasonCodeSchema } from "./message-content";
import { agentStatusSchema } from "./people";

/** `pending`: snoozed by its agent until a time or the customer's next message; it does not count as load. */
export const conversationStatusSchema = z.enum(["open", "pending", "resolved"]);

export const contactSchema = z.object({
  id: z.string(),
  waId: z.string().nullable(),
  /** The business-scoped user id (BSUID, "US.1349…") Meta gives a customer; replies go to it when there is no phone. */
  userId: z.string().nullable().optional(),
  /** The WhatsApp username the customer chose, without "@"; it may change, so it finds nobody by itself. */
  username: z.string().nullable().optional(),
  name: z.string().nullable(),
  /**
   * The customer's language (a BCP 47 tag: "es", "zh", "zh-Hant"), as detected on an agent's device from what the
   * customer writes (`PUT …/contacts/{id}/language`); null when not known. Optional until the server stores it.
   */
  language: z.string().nullable().optional(),
});
export type Contact = z.infer<typeof contactSchema>;


export const conversationSchema = z.object({
  id: z.string(),
  phoneNumberId: z.string(),
  contact: contactSchema,
  status: conversationStatusSchema,
  assigneeId: z.string().nullable(),
  /** Why it is with its assignee, in English (for API users). */
  assignmentReason: z.string().nullable(),
  /** The same as a code with parameters; null before codes were stored, or with nobody assigned. */
  assignmentReasonCode: reasonCodeSchema.nullable().optional(),
  /** When it entered the queue (unassigned and open); null otherwise. */
  queuedAt: z.number().nullable(),
  /** A team it was transferred to and waits for, if any. */
  teamId: z.string().nullable(),
  createdAt: z.number(),
  lastMessageAt: z.number(),
  lastMessagePreview: z.string(),
  unread: z.number(),
  /** When the 24-hour customer service window closes (24 h after the customer's last message); null if they never wrote. */
  windowClosesAt: z.number().nullable(),
  /** For a pending conversation: when it wakes by itself (null: at the customer's next message). */
  snoozedUntil: z.number().nullable(),
  /** Since when the customer's oldest unanswered message waits for a reply (null: answered, or not open). */
  awaitingReplySince: z.number().nullable().optional(),
  /** Its team's wait target (the conversation's team, else its assignee's first team, else the default), in minutes. */
  waitTargetMinutes: z.number().optional(),
  /** The customer's tag ids (tags belong to the contact, so every conversation with them shows them). */
  tags: z.array(z.string()),
  /** Why it was resolved when automation did it ("inactive"); null when an agent did. */
  resolveReason: z.string().nullable().default(null),
  /** The satisfaction survey sent on resolve, and the customer's answer, credited to the resolving agent. */
  csat: z
    .object({ stars: z.number().int().min(1).max(5).nullable(), comment: z.string().nullable(), agentId: z.string().nullable(), ratedAt: z.number().nullable() })
    .nullable()
    .default(null),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** Delivery progress of an outbound message; it only ever moves forward (see worker/number-inbox/delivery.ts). */
export const deliveryStatusSchema = z.enum(["pending", "accepted", "sent", "delivered", "read", "played", "failed"]);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/**
 * Where a message came from when not from this inbox or the customer's phone: sent by the business from the
 * WhatsApp Business app on a number used in both (`business_app`), or one of the app's past messages (`history`).
 */
export const messageOriginSchema = z.enum(["business_app", "history"]);
export type MessageOrigin = z.infer<typeof messageOriginSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /**
   * `activity` rows are the conversation's own log (assigned with reason, transferred, resolved, reopened);
   * `note` rows are private notes between colleagues, never sent to the customer.
   */
  direction: z.enum(["in", "out", "activity", "note"]),
  kind: z.string(),
  text: z.string().nullable(),
  content: messageContentSchema,
  wamid: z.string().nullable(),
  status: deliveryStatusSchema.nullable(),
  error: z.object({ code: z.number(), title: z.string() }).nullable(),
  authorId: z.string().nullable(),
  clientId: z.string().nullable(),
  timestamp: z.number(),
  /** Null for the inbox's own messages and the customer's live ones. */
  origin: messageOriginSchema.nullable(),
});
export type Message = z.infer<typeof messageSchema>;

/** One message's delivery moved forward: its new status and error, without the rest of the message. */
export const tickSchema = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  status: deliveryStatusSchema,
  error: z.object({ code: z.number(), title: z.string() }).nullable(),
});
export type Tick = z.infer<typeof tickSchema>;

export const clientId = z.uuid("clientId must be a UUID; the same clientId never sends twice");
const replyToId = z.string().regex(/^\d+$/, "replyToId must be a message id").optional();

export const mediaKindSchema = z.enum(["image", "video", "audio", "document", "sticker"]);
export type MediaKind = z.infer<typeof mediaKindSchema>;
/** WhatsApp shows a caption under these kinds only; audio and stickers carry none. */
export const captionedMediaKinds = ["image", "video", "document"] as const satisfies readonly MediaKind[];

/** An id the media upload answered (`POST /api/numbers/{id}/media`). */
const mediaId = z.string().regex(/^[\w.-]{1,100}$/, "mediaId must be the id the media upload answered");
const mediaLink = z.url("link must be an https URL").startsWith("https://", "link must be an https URL").max(2000);
const caption = z.string().max(1024, "caption is longer than WhatsApp's 1024 characters");
const filename = z.string().min(1, "filename must not be empty").max(240, "filename is longer than 240 characters");

/** Where a file comes from: uploaded (mediaId) or fetched by Meta from a link, never both. */
export type MediaSource = { mediaId: string; link?: undefined } | { link: string; mediaId?: undefined };
const oneSource = <T extends { mediaId?: string | undefined; link?: string | undefined }>(m: T): m is T & MediaSource =>
  Boolean(m.mediaId) !== Boolean(m.link);
const oneSourceMessage = "give exactly one of mediaId (uploaded) or link";

const mediaSendSchema = z
  .object({
    type: z.literal("media"),
    mediaKind: mediaKindSchema,
    mediaId: mediaId.optional(),
    link: mediaLink.optional(),
    caption: caption.optional(),
    filename: filename.optional(),
    clientId,
    replyToId,
  })
  .refine(oneSource, oneSourceMessage)
  .refine((m) => !m.caption || (captionedMediaKinds as readonly string[]).includes(m.mediaKind), {
    message: "caption: WhatsApp shows a caption on image, video and document only",
    path: ["caption"],
  })
  .refine((m) => !m.filename || m.mediaKind === "document", { message: "filename: only a document carries a file name", path: ["filename"] });

/** The media of a template approved with an IMAGE, VIDEO or DOCUMENT header. */
export const templateHeaderMediaSchema = z
  .object({
    kind: z.enum(["image", "video", "document"]),
    mediaId: mediaId.optional(),
    link: mediaLink.optional(),
    filename: filename.optional(),
  })
  .refine(oneSource, oneSourceMessage)
  .refine((m) => !m.filename || m.kind === "document", { message: "filename: only a document header carries a file name", path: ["filename"] });
export type TemplateHeaderMedia = z.infer<typeof templateHeaderMediaSchema>;

/** Which approved template, and what fills it: sent into a conversation, or starting one (`new-conversation.ts`). */
export const templateArgumentsShape = {
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(15),
  header: z.array(z.string().min(1, "a header variable is empty").max(60)).max(1).default([]),
  /** For a template whose header is an image, a video or a document. */
  headerMedia: templateHeaderMediaSchema.optional(),
  body: z.array(z.string().min(1, "a body variable is empty").max(1024)).max(30).default([]),
  quickReplies: z.array(z.object({ index: z.number().int().min(0).max(9), payload: z.string().min(1).max(256) })).max(10).default([]),
};
export const headerTextOrMedia = (t: { headerMedia?: unknown; header: string[] }) => !(t.headerMedia && t.header.length > 0);
export const headerTextOrMediaMessage = { message: "a template header is text or media, not both", path: ["headerMedia"] };

/** Everything an agent can send. `clientId` is chosen by the client so a retried request never sends twice. */
export const sendMessageRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("text"),
    text: z.string().trim().min(1, "text must not be empty").max(4096, "text is longer than WhatsApp's 4096 characters"),
    clientId,
    replyToId,
  }),
  mediaSendSchema,
  z.object({
    type: z.literal("note"),
    text: z.string().trim().min(1, "text must not be empty").max(4096),
    clientId,
  }),
  z.object({
    type: z.literal("reaction"),
    targetId: z.string().regex(/^\d+$/, "targetId must be a message id"),
    /** Empty removes the reaction. */
    emoji: z.string().max(16),
    clientId,
  }),
  z.object({ type: z.literal("template"), ...templateArgumentsShape, clientId }).refine(headerTextOrMedia, headerTextOrMediaMessage),
]);
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;
/** One kind of request, e.g. `SendRequestOf<"media">`: what each outbound body is built from. */
export type SendRequestOf<Type extends SendMessageRequest["type"]> = Extract<SendMessageRequest, { type: Type }>;

export const templateSchema = z.object({
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string().nullable(),
  header: z.string().nullable(),
  /** What the approved header holds: media headers need the file with each send (`headerMedia`). */
  headerFormat: z.enum(["none", "text", "image", "video", "document", "location"]),
  body: z.string(),
  footer: z.string().nullable(),
  quickReplies: z.array(z.string()),
  headerVariables: z.number(),
  bodyVariables: z.number(),
});
export type Template = z.infer<typeof templateSchema>;
export const templateListSchema = z.object({ templates: z.array(templateSchema) });

export const mediaUploadSchema = z.object({ mediaId: z.string() });

export const conversationViewSchema = z.enum(["mine", "unassigned", "all", "resolved"]);
export type ConversationView = z.infer<typeof conversationViewSchema>;
export const conversationListSchema = z.object({ conversations: z.array(conversationSchema), nextCursor: z.string().nullable() });
export const conversationCountsSchema = z.object({ mine: z.number(), unassigned: z.number(), all: z.number(), resolved: z.number() });
export type ConversationCounts = z.infer<typeof conversationCountsSchema>;
export const messageListSchema = z.object({ messages: z.array(messageSchema) });

/** A colleague with a conversation open: `name` as they signed in, so one off the number's roster (an admin) is named too. */
export const collisionViewerSchema = z.object({ agentId: z.string(), typing: z.boolean(), name: z.string().optional() });
export type CollisionViewer = z.infer<typeof collisionViewerSchema>;

/** Everything the server pushes over an agent's socket. */
export const socketEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), agentId: z.string() }),
  z.object({ type: z.literal("conversation"), conversation: conversationSchema }),
  z.object({ type: z.literal("message"), message: messageSchema }),
  /**
   * The delivery ticks one batch of status webhooks moved, for the conversations this socket may see: one event
   * per batch rather than one per message, so a campaign's statuses do not flood the panels.
   */
  z.object({ type: z.literal("ticks"), ticks: z.array(tickSchema) }),
  z.object({
    type: z.literal("agent_status"),
    agentId: z.string(),
    status: agentStatusSchema,
    connected: z.boolean(),
    /** Connected or within the grace period: still counts as online for routing. */
    present: z.boolean(),
    /** When the status or presence last changed: the floor shows time in status. */
    statusSince: z.number(),
    /** Open conversations against their capacity, for the floor. */
    load: z.number(),
    capacity: z.number().nullable(),
    /** Connected with no side panel open in any of their browsers ("Available · panel closed" on the floor). */
    panelOpen: z.boolean().optional(),
  }),
  /** The number's object closed this socket on purpose: the person was deactivated or removed from the number. */
  z.object({ type: z.literal("revoked"), reason: z.string() }),
  /** A number's live figures for the supervisors' board, pushed within a fraction of a second of a change. */
  z.object({ type: z.literal("board"), board: numberBoardSchema }),
  /**
   * A customer's details changed (attributes, tags, language, name): a customer panel open on them reads the
   * profile again. Only the id travels; the profile is read through the API, which checks who may see it.
   */
  z.object({ type: z.literal("contact_changed"), contactId: z.string() }),
  /** Company tags, attributes or canned responses changed: panels fetch the catalog again. */
  z.object({ type: z.literal("catalog_changed") }),
  z.object({ type: z.literal("number_health"), phoneNumberId: z.string(), tokenValid: z.boolean(), detail: z.string() }),
  /** Who else has this conversation open, and whether they are typing: the collision guard. */
  z.object({
    type: z.literal("collision"),
    conversationId: z.string(),
    viewers: z.array(collisionViewerSchema),
  }),
  /** Something an agent should notice: a conversation given to them, taken from them, or a note for them. */
  z.object({
    type: z.literal("notice"),
    kind: z.enum(["assigned", "unassigned", "transferred_in", "reassigned_no_reply", "mention", "no_reply_nudge"]),
    phoneNumberId: z.string(),
    conversationId: z.string(),
    /** The body in English, for clients that do not render `body`. */
    text: z.string(),
    /** The body as a code with parameters (names included, as a notification has no roster to look them up). */
    body: reasonCodeSchema.optional(),
  }),
]);
export type SocketEvent = z.infer<typeof socketEventSchema>;

/**
 * One frame on a number's socket: a single event, or every event one step of the number's object produced for this
 * socket, in the order they happened (`shared/socket-frame.ts`). A new conversation is several events (the
 * conversation, its first message, its assignment) for the same panels; one frame per socket per step costs the
 * runtime one send, not one per event.
 */
export const socketFrameSchema = z.union([
  socketEventSchema,
  z.object({ type: z.literal("events"), events: z.array(socketEventSchema) }),
]);
export type SocketFrame = z.infer<typeof socketFrameSchema>;

/** A search hit: the conversation, and the message that matched if the match was in the history. */
export const searchResultSchema = z.object({
  conversation: conversationSchema,
  message: z.object({ id: z.string(), snippet: z.string(), timestamp: z.number() }).nullable(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
export const searchResultsSchema = z.object({ results: z.array(searchResultSchema) });

/** What a side panel tells the server over its socket: which conversation it shows, and that the agent types. */
export const clientSignalSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("viewing"), conversationId: z.string().max(20).nullable() }),
  z.object({ type: z.literal("typing"), conversationId: z.string().max(20) }),
  /** Whether this browser has its agent's side panel open (the background holds the socket either way). */
  z.object({ type: z.literal("panel"), open: z.boolean() }),
]);
export type ClientSignal = z.infer<typeof clientSignalSchema>;

export const snoozeRequestSchema = z.object({
  /** Epoch ms to wake it; null or absent waits for the customer's next message. */
  until: z.number().int().positive().nullable().default(null),
});
