/** The slice of Meta's Graph API the inbox calls. The base URL is configuration, so the simulator can stand in. */
import type { OutboundMessageBody, StatusBody } from "./meta-body";

export interface GraphConfig {
  base: string;
  version: string;
  accessToken: string;
}

export type GraphFailure = { ok: false; code: number; title: string; httpStatus: number | null };
export type GraphResult<T> = { ok: true; value: T } | GraphFailure;

interface GraphErrorBody {
  error?: { code?: number; message?: string; error_data?: { details?: string } };
}

function url(graph: GraphConfig, path: string): string {
  return `${graph.base.replace(/\/$/, "")}/${graph.version}/${path}`;
}

async function call<T>(graph: GraphConfig, path: string, init: RequestInit = {}): Promise<GraphResult<T>> {
  let response: Response;
  try {
    response = await fetch(url(graph, path), {
      ...init,
      headers: { authorization: `Bearer ${graph.accessToken}`, ...(init.headers ?? {}) },
    });
  } catch (error) {
    return { ok: false, code: 0, title: `network error: ${(error as Error).message}`, httpStatus: null };
  }
  const json = (await response.json().catch(() => null)) as (GraphErrorBody & T) | null;
  if (response.ok && json && !json.error) return { ok: true, value: json };
  const error = json?.error;
  return {
    ok: false,
    code: error?.code ?? 0,
    title: error?.error_data?.details ?? error?.message ?? `Graph API answered HTTP ${response.status}`,
    httpStatus: response.status,
  };
}

const jsonPost = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export async function sendMessage(graph: GraphConfig, phoneNumberId: string, body: OutboundMessageBody): Promise<GraphResult<string>> {
  const result = await call<{ messages?: { id?: string }[] }>(graph, `${encodeURIComponent(phoneNumberId)}/messages`, jsonPost(body));
  if (!result.ok) return result;
  const wamid = result.value.messages?.[0]?.id;
  return wamid ? { ok: true, value: wamid } : { ok: false, code: 0, title: "Graph API answered without a message id", httpStatus: 200 };
}

/** Mark as read and typing indicator share the messages endpoint and answer `{success: true}`. */
export async function postStatus(graph: GraphConfig, phoneNumberId: string, body: StatusBody): Promise<GraphResult<true>> {
  const result = await call<{ success?: boolean }>(graph, `${encodeURIComponent(phoneNumberId)}/messages`, jsonPost(body));
  return result.ok ? { ok: true, value: true } : result;
}

export async function uploadMedia(graph: GraphConfig, phoneNumberId: string, file: Blob, filename: string): Promise<GraphResult<string>> {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", file.type || "application/octet-stream");
  form.set("file", file, filename);
  const result = await call<{ id?: string }>(graph, `${encodeURIComponent(phoneNumberId)}/media`, { method: "POST", body: form });
  if (!result.ok) return result;
  return result.value.id ? { ok: true, value: result.value.id } : { ok: false, code: 0, title: "upload answered without an id", httpStatus: 200 };
}

/** Resolves a media id to its short-lived URL, then fetches the bytes with the token (which never leaves the worker). */
export async function downloadMedia(graph: GraphConfig, mediaId: string): Promise<GraphResult<Response>> {
  const meta = await call<{ url?: string; mime_type?: string }>(graph, encodeURIComponent(mediaId));
  if (!meta.ok) return meta;
  if (!meta.value.url) return { ok: false, code: 0, title: "media has no URL", httpStatus: 404 };
  try {
    const response = await fetch(meta.value.url, { headers: { authorization: `Bearer ${graph.accessToken}` } });
    if (!response.ok) return { ok: false, code: 0, title: `media download answered HTTP ${response.status}`, httpStatus: response.status };
    return { ok: true, value: response };
  } catch (error) {
    return { ok: false, code: 0, title: `network error: ${(error as Error).message}`, httpStatus: null };
  }
}

export interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category?: string;
  components: unknown[];
}

export async function listTemplates(graph: GraphConfig, wabaId: string): Promise<GraphResult<GraphTemplate[]>> {
  const templates: GraphTemplate[] = [];
  let path: string | null = `${encodeURIComponent(wabaId)}/message_templates?limit=100`;
  // Bounded: a WABA has at most a few hundred templates.
  for (let page = 0; path && page < 20; page++) {
    const result: GraphResult<{ data?: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } }> = await call(graph, path);
    if (!result.ok) return result;
    templates.push(...(result.value.data ?? []));
    const after: string | undefined = result.value.paging?.next ? result.value.paging.cursors?.after : undefined;
    path = after ? `${encodeURIComponent(wabaId)}/message_templates?limit=100&after=${encodeURIComponent(after)}` : null;
  }
  return { ok: true, value: templates };
}

export interface PhoneNumberInfo {
  displayPhoneNumber: string;
  verifiedName: string | null;
  qualityRating: "GREEN" | "YELLOW" | "RED" | "UNKNOWN";
}

/** Asks Meta about a number with a given token: proves the token works for it, and reads its quality rating. */
export async function phoneNumberInfo(graph: GraphConfig, phoneNumberId: string): Promise<GraphResult<PhoneNumberInfo>> {
  const result = await call<{ display_phone_number?: string; verified_name?: string; quality_rating?: string }>(
    graph,
    `${encodeURIComponent(phoneNumberId)}?fields=display_phone_number,verified_name,quality_rating`,
  );
  if (!result.ok) return result;
  if (!result.value.display_phone_number) return { ok: false, code: 0, title: "the Graph API did not describe this phone number", httpStatus: 200 };
  const rating = result.value.quality_rating?.toUpperCase();
  return {
    ok: true,
    value: {
      displayPhoneNumber: result.value.display_phone_number,
      verifiedName: result.value.verified_name ?? null,
      qualityRating: rating === "GREEN" || rating === "YELLOW" || rating === "RED" ? rating : "UNKNOWN",
    },
  };
}

/** The phone number ids of a WhatsApp Business Account, as the given token may read them (GET /{waba}/phone_numbers). */
export async function wabaPhoneNumberIds(graph: GraphConfig, wabaId: string): Promise<GraphResult<string[]>> {
  const ids: string[] = [];
  let path: string | null = `${encodeURIComponent(wabaId)}/phone_numbers?fields=id&limit=100`;
  // Bounded: a WABA holds a handful of numbers (Meta allows a few dozen at most).
  for (let page = 0; path && page < 10; page++) {
    const result: GraphResult<{ data?: { id?: string }[]; paging?: { cursors?: { after?: string }; next?: string } }> = await call(graph, path);
    if (!result.ok) return result;
    ids.push(...(result.value.data ?? []).flatMap((n) => (n.id ? [n.id] : [])));
    const after: string | undefined = result.value.paging?.next ? result.value.paging.cursors?.after : undefined;
    path = after ? `${encodeURIComponent(wabaId)}/phone_numbers?fields=id&limit=100&after=${encodeURIComponent(after)}` : null;
  }
  return { ok: true, value: ids };
}
