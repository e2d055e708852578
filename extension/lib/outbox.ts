import type { SendMessageRequest } from "../../shared/inbox";
import type { ApiClient } from "./api";
import { ApiError } from "./api";
import { storage } from "wxt/utils/storage";

/**
 * Replies typed while the connection is down. Kept in the extension's storage (so they survive closing the
 * panel), sent in order when the connection is back, and never twice: each carries its clientId, which the
 * server uses to recognise a repeat.
 */
export interface PendingReply {
  serverUrl: string;
  phoneNumberId: string;
  conversationId: string;
  request: SendMessageRequest;
  createdAt: number;
}

const outboxItem = storage.defineItem<PendingReply[]>("local:outbox", { fallback: [] });

export async function pendingReplies(serverUrl: string, conversationId?: string): Promise<PendingReply[]> {
  return (await outboxItem.getValue()).filter((p) => p.serverUrl === serverUrl && (!conversationId || p.conversationId === conversationId));
}

async function remove(clientId: string): Promise<void> {
  await outboxItem.setValue((await outboxItem.getValue()).filter((p) => p.request.clientId !== clientId));
}

/** Sends now if possible; otherwise keeps it for later. Throws only a refusal the agent must see (4xx). */
export async function sendOrKeep(api: ApiClient, reply: PendingReply) {
  await outboxItem.setValue([...(await outboxItem.getValue()), reply]);
  try {
    const stored = await api.send(reply.phoneNumberId, reply.conversationId, reply.request);
    await remove(reply.request.clientId);
    return stored;
  } catch (error) {
    // Offline or the server is restarting: keep it. Anything the server refused is dropped and shown.
    if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) return null;
    await remove(reply.request.clientId);
    throw error;
  }
}

/** On reconnect: send what waited, oldest first; stops at the first that still cannot go. */
export async function flushPending(api: ApiClient, onSent: (reply: PendingReply) => void): Promise<void> {
  for (const reply of await pendingReplies(api.serverUrl)) {
    try {
      await api.send(reply.phoneNumberId, reply.conversationId, reply.request);
      await remove(reply.request.clientId);
      onSent(reply);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) return;
      await remove(reply.request.clientId);
    }
  }
}
