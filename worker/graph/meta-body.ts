/**
 * The bodies the inbox sends to `POST /{phone-number-id}/messages`, as types: Meta's `Message` and
 * `MarkMessageRequestPayload` schemas (simulator/meta-openapi/message.schema.json, extracted from Meta's OpenAPI
 * file) narrowed to the kinds this product sends, with the rules Meta documents but its file does not encode
 * (a caption only on image, video and document; a filename only on documents; exactly one of id or link).
 *
 * Written by hand rather than generated: the extracted schema is looser than Meta's documentation (its
 * MediaObject names neither caption nor filename, template parameters are untyped arrays, the typing indicator is
 * absent), so generated types would accept the very bodies these exist to refuse. test/node/meta-body-types.test.ts
 * generates values of every type here and checks each against the schema, so a type that drifts from Meta's
 * contract fails there.
 */

/**
 * Who a message goes to: a phone number today; a business-scoped user id (BSUID, "US.13491208655302741918") for
 * customers who chose a WhatsApp username and share no number.
 */
export type Recipient = { phone: string } | { userId: string };

/**
 * The recipient part of a body. `to` carries a phone number; `recipient` carries a BSUID or parent BSUID
 * (Meta's "Business-scoped user IDs" page, Messages API requests: "Use `recipient` to send to a BSUID or parent
 * BSUID … If both `to` and `recipient` are present, `to` takes precedence"; as summarised at
 * https://dualhook.com/docs/contacts-bsuid-api-changes). We never send both, so which one wins never matters.
 */
export type RecipientField = { to: string; recipient?: never } | { recipient: string; to?: never };

/** Quotes the customer's message (a contextual reply). */
export interface MessageContext {
  message_id: string;
}

type Envelope<Type extends string, Part> = {
  messaging_product: "whatsapp";
  recipient_type: "individual";
  context?: MessageContext;
  type: Type;
} & RecipientField & { [K in Type]: Part };

/** Meta's MediaObject: an uploaded media id or an https link, never both. */
export type MediaRef = { id: string; link?: never } | { link: string; id?: never };

export type TextMessageBody = Envelope<"text", { body: string; preview_url: boolean }>;
export type ImageMessageBody = Envelope<"image", MediaRef & { caption?: string }>;
export type VideoMessageBody = Envelope<"video", MediaRef & { caption?: string }>;
export type DocumentMessageBody = Envelope<"document", MediaRef & { caption?: string; filename?: string }>;
export type AudioMessageBody = Envelope<"audio", MediaRef>;
export type StickerMessageBody = Envelope<"sticker", MediaRef>;
export type MediaMessageBody = ImageMessageBody | VideoMessageBody | DocumentMessageBody | AudioMessageBody | StickerMessageBody;

/** An empty emoji removes the business's reaction. */
export type ReactionMessageBody = Envelope<"reaction", { message_id: string; emoji: string }>;

export interface TextParameter {
  type: "text";
  text: string;
}
/** A template header's media: the template was approved with an IMAGE, VIDEO or DOCUMENT header. */
export type HeaderMediaParameter =
  | { type: "image"; image: MediaRef }
  | { type: "video"; video: MediaRef }
  | { type: "document"; document: MediaRef & { filename?: string } };

export type TemplateComponent =
  | { type: "header"; parameters: [TextParameter] | [HeaderMediaParameter] }
  | { type: "body"; parameters: TextParameter[] }
  | { type: "button"; sub_type: "quick_reply"; index: string; parameters: [{ type: "payload"; payload: string }] };

export type TemplateMessageBody = Envelope<
  "template",
  { name: string; language: { code: string }; components?: TemplateComponent[] }
>;

/** An interactive list (the satisfaction survey): one section of up to 10 rows. */
export type ListMessageBody = Envelope<
  "interactive",
  {
    type: "list";
    body: { text: string };
    action: { button: string; sections: [{ title: string; rows: { id: string; title: string; description?: string }[] }] };
  }
>;

/** Every message body the inbox sends. A new kind joins here, and every switch over `type` must then handle it. */
export type OutboundMessageBody = TextMessageBody | MediaMessageBody | ReactionMessageBody | TemplateMessageBody | ListMessageBody;

/** Marks the customer's message read (blue ticks). */
export interface MarkReadBody {
  messaging_product: "whatsapp";
  status: "read";
  message_id: string;
}
/** Marks read and shows "typing…" for up to 25 s (Meta's typing-indicators page; absent from the OpenAPI file). */
export interface TypingIndicatorBody extends MarkReadBody {
  typing_indicator: { type: "text" };
}
export type StatusBody = MarkReadBody | TypingIndicatorBody;
