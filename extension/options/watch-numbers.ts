import type { SocketEvent } from "../../shared/inbox";
import type { ApiClient } from "../lib/api";
import { openNumberSocket, type LiveState } from "../lib/number-socket";

/**
 * The console's live pages follow every number of the workspace over a watch-only socket each (never counted as
 * the supervisor being online, and for numbers they do not work on too, which the background's sockets do not
 * cover); returns the function that closes them all.
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
  const sockets = phoneNumberIds.map((phoneNumberId) =>
    openNumberSocket(api, phoneNumberId, {
      onEvent: (event) => handlers.onEvent(phoneNumberId, event),
      onOpen: () => handlers.onOpen(phoneNumberId),
      onState: (state) => handlers.onState(phoneNumberId, state),
      onUnauthorized: handlers.onUnauthorized,
      watchOnly: true,
    }),
  );
  return () => {
    for (const socket of sockets) socket.close();
  };
}
