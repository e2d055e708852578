import type { Me } from "../../shared/people";
import { contactLabel } from "../../shared/contact-label";
import type { ConsoleClient } from "../lib/console-api";
import { ErrorAlert } from "./ErrorAlert";
import { lastReportHash } from "./report-query";
import { ReviewHeader } from "./ReviewHeader";
import { ReviewTimeline } from "./ReviewTimeline";
import { tr } from "./strings";
import { useLoad } from "./useLoad";
import { ArrowLeft } from "../components/icons";

/** One conversation, read-only, for quality review (#review/<number>/<conversation>): its header and whole timeline. */
export function ReviewPage(props: { api: ConsoleClient; me: Me; phoneNumberId: string | undefined; conversationId: string | undefined }) {
  const { phoneNumberId, conversationId } = props;
  const review = useLoad(
    () => (phoneNumberId && conversationId ? props.api.review(phoneNumberId, conversationId) : Promise.resolve(null)),
    [phoneNumberId, conversationId],
  );
  const people = useLoad(() => props.api.people().then((r) => r.people));
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  const nameOf = (id: string | null) => (id ? (people.data?.find((p) => p.id === id)?.name ?? id) : "");
  const data = review.data;
  const customer = data ? (contactLabel(data.conversation.contact) ?? tr("options.floor.unknownCustomer")) : "";

  return (
    <>
      <p class="back-line">
        <a href={lastReportHash()}>
          <ArrowLeft /> 
          {tr("options.review.back")}
        </a>
      </p>
      {!phoneNumberId || !conversationId ? (
        <p class="error" role="alert">
          {tr("options.review.missing")}
        </p>
      ) : (
        <>
          <ErrorAlert error={review.error ?? people.error} />
          {!data && !review.error && <p class="muted">{tr("options.review.loading")}</p>}
          {data && (
            <>
              <ReviewHeader
                conversation={data.conversation}
                messages={data.messages}
                numberName={numbers.data?.find((n) => n.phoneNumberId === phoneNumberId)?.displayName ?? phoneNumberId}
                nameOf={nameOf}
              />
              <ReviewTimeline api={props.api} phoneNumberId={phoneNumberId} messages={data.messages} customer={customer} nameOf={nameOf} />
            </>
          )}
        </>
      )}
    </>
  );
}
