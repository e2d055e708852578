import type { SendMessageRequest } from "../../shared/inbox";
import type { ApiClient } from "./api";
import { ApiError } from "./api";
import { browser } from "wxt/browser";

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

/**
 * One storage key per reply. The panel keeps replies and the background sends them, in different pages, and storage
 * has no transactions: with one shared list, two writes that each read it first keep only one of them, and a reply
 * typed offline could vanish. Adding or removing one key touches no other reply.
 */
const PREFIX = "outbox:";
/** Where earlier versions kept the whole list; read once and split into keys. */
const LEGACY_KEY = "outbox";
const keyOf = (reply: PendingReply) => `${PREFIX}${reply.request.clientId}`;

async function allPending(): Promise<PendingReply[]> {
  const stored = (await browser.storage.local.get(null)) as Record<string, unknown>;
  const legacy = stored[LEGACY_KEY];
  if (Array.isArray(legacy)) {
    const replies = legacy as PendingReply[];
    await browser.storage.local.set(Object.fromEntries(replies.map((reply) => [keyOf(reply), reply])));
    await browser.storage.local.remove(LEGACY_KEY);
    for (const reply of replies) stored[keyOf(reply)] = reply;
  }
  const replies = Object.entries(stored)
    .filter(([key]) => key.startsWith(PREFIX))
    .map(([, reply]) => reply as PendingReply);
  return replies.sort((a, b) => a.createdAt - b.createdAt);
}

export async function pendingReplies(serverUrl: string, conversationId?: string): Promise<PendingReply[]> {
  return (await allPending()).filter((p) => p.serverUrl === serverUrl && (!conversationId || p.conversationId === conversationId));
}

async function remove(reply: PendingReply): Promise<void> {
  await browser.storage.local.remove(keyOf(reply));
}

/** Sends now if possible; otherwise keeps it for later. Throws only a refusal the agent must see (4xx). */
export async function sendOrKeep(api: ApiClient, reply: PendingReply) {
  await browser.storage.local.set({ [keyOf(reply)]: reply });
  try {
    const stored = await api.send(reply.phoneNumberId, reply.conversationId, reply.request);
    await remove(reply);
    return stored;
  } catch (error) {
    // Offline or the server is restarting: keep it. Anything the server refused is dropped and shown.
    if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) return null;
    await remove(reply);
    throw error;
  }
}

/** On reconnect: send what waited, oldest first; stops at the first that still cannot go. */
export async function flushPending(api: ApiClient, onSent: (reply: PendingReply) => void): Promise<void> {
  for (const reply of await pendingReplies(api.serverUrl)) {
    try {
      await api.send(reply.phoneNumberId, reply.conversationId, reply.request);
      await remove(reply);
      onSent(reply);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) return;
      await remove(reply);
    }
  }
}
