import { ApiError } from "../lib/api";
import { t } from "../lib/i18n";

/** The server's own sentence for a refusal; a dropped connection gets the panel's sentence about the network. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError && error.status === 0) return t("error.network");
  return error instanceof Error ? error.message : String(error);
}

export function ErrorAlert({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}
