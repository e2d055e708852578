import type { Message } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import { MediaView } from "./MediaView";
import { Ban, CircleDot, FileText, Forward, MapPin, Megaphone, Pencil, Receipt, ShoppingBag, TriangleAlert, UserRound } from "./icons";

const MEDIA_KINDS = new Set(["image", "video", "audio", "document", "sticker"]);

/** One message of any kind WhatsApp sends, shown so an agent understands it without the raw payload. */
export function MessageBody(props: { message: Message; api: ApiClient; phoneNumberId: string; quoted: Message | null }) {
  const { message: m, api, phoneNumberId, quoted } = props;
  const c = m.content;
  return (
    <>
      {c.forwarded && <p class="meta-line"><Forward /> {t(c.forwarded === "many" ? "message.forwardedMany" : "message.forwarded")}</p>}
      {c.referral && <p class="meta-line"><Megaphone /> {t("message.referral", { headline: c.referral.headline ?? c.referral.sourceUrl ?? "" })}</p>}
      {c.product && <p class="meta-line"><ShoppingBag /> {t("message.product", { id: c.product.productId })}</p>}
      {c.replyToWamid && (
        <blockquote class="quoted">
          <small>{t("message.quoted")}</small>
          {quoted ? (quoted.text ?? `[${quoted.kind}]`) : "…"}
        </blockquote>
      )}
      {c.deleted && <p class="meta-line deleted"><Ban /> {t("message.deleted")}</p>}
      <MessageMain message={m} api={api} phoneNumberId={phoneNumberId} />
      {c.edited && <small class="edited">({t("message.edited")})</small>}
      {c.errors?.map((e) => (
        <p class="error">{t("message.error", { code: e.code, title: e.title })}</p>
      ))}
    </>
  );
}

/** The part that depends on the kind; a component of its own so media is fetched once, not on every render. */
function MessageMain({ message, api, phoneNumberId }: { message: Message; api: ApiClient; phoneNumberId: string }) {
    const c = message.content;
    const text = message.text;
    if (c.unsupportedType) return <p class="unsupported"><TriangleAlert /> {t("kind.unsupported", { type: c.unsupportedType })}</p>;
    if (MEDIA_KINDS.has(message.kind) && c.media) {
      return (
        <>
          <MediaView api={api} phoneNumberId={phoneNumberId} kind={message.kind} media={c.media} />
          {c.caption && <p>{c.caption}</p>}
        </>
      );
    }
    if (c.location) {
      const { latitude, longitude, name, address } = c.location;
      const map = `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
      return (
        <p class="location">
          <MapPin /> <strong>{name ?? t("kind.location")}</strong>
          {address && <span> {address}</span>}
          <br />
          <a href={map} target="_blank" rel="noreferrer">
            {t("message.openMap")} ({latitude.toFixed(4)}, {longitude.toFixed(4)})
          </a>
        </p>
      );
    }
    if (c.sharedContacts) {
      return (
        <ul class="shared-contacts" aria-label={t("kind.contacts")}>
          {c.sharedContacts.map((contact) => (
            <li>
              <UserRound /> <strong>{contact.name}</strong> {contact.phones.join(", ")}
            </li>
          ))}
        </ul>
      );
    }
    if (c.order) {
      const total = c.order.items.reduce((sum, i) => sum + i.price * i.quantity, 0);
      return (
        <div class="order">
          <p>
            <Receipt /> <strong>{t("kind.order")}</strong> · {t("message.items", { n: c.order.items.length })} · {total} {c.order.items[0]?.currency}
          </p>
          <ul>
            {c.order.items.map((i) => (
              <li>
                {i.productId} × {i.quantity} @ {i.price} {i.currency}
              </li>
            ))}
          </ul>
          {c.order.note && <p>{c.order.note}</p>}
        </div>
      );
    }
    if (c.reaction && message.kind === "reaction") {
      return <p class="reaction">{c.reaction.emoji ? t("kind.reaction", { emoji: c.reaction.emoji }) : t("kind.reactionRemoved")}</p>;
    }
    if (message.kind === "revoke") return <p class="meta-line"><Ban /> {t("kind.revoke")}</p>;
    if (message.kind === "edit") return <p class="meta-line"><Pencil /> {t("kind.edit")}: {text}</p>;
    if (c.system) return <p class="system">ℹ {c.system.body}</p>;
    if (c.flowResponse) {
      return (
        <div class="flow">
          <p><FileText /> {t("kind.flow")}</p>
          <dl>
            {Object.entries(c.flowResponse)
              .filter(([key]) => key !== "flow_token")
              .map(([key, value]) => (
                <>
                  <dt>{key}</dt>
                  <dd>{value}</dd>
                </>
              ))}
          </dl>
        </div>
      );
    }
    if (c.choice) return <p class="choice"><CircleDot /> {t("kind.choice", { title: c.choice.title })}</p>;
    if (c.list) {
      return (
        <div>
          <p>{text}</p>
          <ul class="list-rows">
            {c.list.rows.map((row) => (
              <li key={row.id}>
                {row.title} <small>{row.description}</small>
              </li>
            ))}
          </ul>
        </div>
      );
    }
    if (c.template) return <p>{text}</p>;
    return <p>{text ?? `[${message.kind}]`}</p>;
  }
