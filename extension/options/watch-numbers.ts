import type { SocketEvent } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { LiveConnection, type LiveState } from "../lib/live";

/**
 * The console's live pages follow every number over a watch-only socket each (never counted as the supervisor
 * being online); returns the function that closes them all.
 */
export function watchNumbers(
  api: ApiClient,
  phoneNumberIds: string[],
  handlers: {
    onEvent: (phoneNumberId: string, event: SocketEvent) => void;
    onOpen: (phoneNumberId: string) => void;
    onState: (phoneNumberId: string, state: LiveState) => void;
    onUnauthorized: () => void;
  },
): () => void {
  const connections = phoneNumberIds.map((phoneNumberId) => {
    const connection = new LiveConnection(api, phoneNumberId, {
      onEvent: (event) => handlers.onEvent(phoneNumberId, event),
      onOpen: () => handlers.onOpen(phoneNumberId),
      onState: (state) => handlers.onState(phoneNumberId, state),
      onUnauthorized: handlers.onUnauthorized,
      watchOnly: true,
    });
    connection.start();
    return connection;
  });
  return () => {
    for (const connection of connections) connection.stop();
  };
}
