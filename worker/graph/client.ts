/** The slice of Meta's Graph API the inbox calls. The base URL is configuration, so the simulator can stand in. */

export interface GraphConfig {
  base: string;
  version: string;
  accessToken: string;
}

export type GraphSendResult =
  | { ok: true; wamid: string }
  | { ok: false; code: number; title: string; httpStatus: number | null };

interface GraphErrorBody {
  error?: { code?: number; message?: string; error_data?: { details?: string } };
}

export async function sendMessage(graph: GraphConfig, phoneNumberId: string, body: unknown): Promise<GraphSendResult> {
  const url = `${graph.base.replace(/\/$/, "")}/${graph.version}/${encodeURIComponent(phoneNumberId)}/messages`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${graph.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    return { ok: false, code: 0, title: `network error: ${(error as Error).message}`, httpStatus: null };
  }
  const json = (await response.json().catch(() => null)) as
    | (GraphErrorBody & { messages?: { id?: string }[] })
    | null;
  const wamid = json?.messages?.[0]?.id;
  if (response.ok && wamid) return { ok: true, wamid };
  const error = json?.error;
  return {
    ok: false,
    code: error?.code ?? 0,
    title: error?.error_data?.details ?? error?.message ?? `Graph API answered HTTP ${response.status}`,
    httpStatus: response.status,
  };
}

/** Meta's body for a plain text reply (messages/send-messages). */
export function textMessageBody(to: string, text: string) {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to,
    type: "text",
    text: { preview_url: /https?:\/\//.test(text), body: text },
  };
}
