import { useEffect, useState } from "preact/hooks";
import type { MessageContent } from "../../shared/message-content";
import type { ApiClient } from "../lib/api";
import { t } from "../lib/i18n";
import { FileText, Image, Mic } from "./icons";

type Media = NonNullable<MessageContent["media"]>;

/** Fetches a WhatsApp media id through the worker (with the session token) and shows it by kind. */
export function MediaView(props: { api: ApiClient; phoneNumberId: string; kind: string; media: Media }) {
  const { api, phoneNumberId, kind, media } = props;
  const [url, setUrl] = useState<string | null>(media.id ? null : media.link);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!media.id) return;
    let objectUrl: string | null = null;
    api
      .mediaBlob(phoneNumberId, media.id)
      .then((blob) => setUrl((objectUrl = URL.createObjectURL(blob))))
      .catch(() => setFailed(true));
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [media.id]);

  const label =
    kind === "audio" && media.voice
      ? t("kind.voice")
      : kind === "sticker" && media.animated
        ? t("kind.animatedSticker")
        : t(`kind.${kind}` as "kind.image");
  if (failed || !url) {
    return (
      <p class="media-placeholder" data-kind={kind}>
        {kind === "document" ? <FileText /> : kind === "audio" ? <Mic /> : <Image />} {label}
        {failed && ` · ${t("message.mediaUnavailable")}`}
      </p>
    );
  }
  if (kind === "image" || kind === "sticker") {
    return <img class={`media ${kind}`} src={url} alt={label} />;
  }
  if (kind === "video") return <video class="media" src={url} controls aria-label={label} />;
  if (kind === "audio") {
    return (
      <div class="audio">
        <span class="meta-line">
          <Mic /> {label}
        </span>
        <audio class="media" src={url} controls aria-label={label} />
      </div>
    );
  }
  return (
    <a class="document" href={url} download={media.filename ?? "document"}>
      <FileText /> {media.filename ?? label} · {t("message.download")}
    </a>
  );
}
