import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { NumberBoard } from "../../shared/analytics";
import type { SocketEvent } from "../../shared/inbox";
import type { ConsoleClient } from "../lib/console-api";
import type { LiveState } from "../lib/number-socket";
import { watchNumbers } from "./watch-numbers";
import { applyNumberBoard, boardChanges, fromBoard, type BoardNumber, type BoardState } from "./board-state";
import { messageOf } from "./ErrorAlert";
import { tr } from "./strings";

declare global {
  interface Window {
    /** One entry per pushed board shown, for the benchmark's event → board latency. */
    __boardUpdates?: { phoneNumberId: string; at: number }[];
  }
}

/**
 * The live board, kept current by one watch-only socket per number (no polling): each `board` event replaces that
 * number's figures as soon as it arrives. Each (re)connect reads the board again once the burst of connects
 * settles, so whatever changed while a socket was down is caught up. Changes worth telling come back as a
 * sentence for a polite live region.
 */
export function useBoard(api: ConsoleClient, onSignOut: () => void) {
  const [state, setState] = useState<BoardState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<Record<string, LiveState>>({});
  const [announcement, setAnnouncement] = useState("");
  // Events can arrive several per render; each applies on top of the last, not of the rendered state.
  const current = useRef<BoardState | null>(null);
  // Pushed boards applied but not yet on screen: recorded once the render that shows them is committed.
  const shown = useRef<string[]>([]);

  useLayoutEffect(() => {
    if (shown.current.length === 0) return;
    const updates = (window.__boardUpdates ??= []);
    for (const phoneNumberId of shown.current) {
      performance.mark("board-updated", { detail: { phoneNumberId } });
      updates.push({ phoneNumberId, at: Date.now() });
    }
    shown.current = [];
  }, [state]);

  useEffect(() => {
    window.__boardUpdates ??= [];
    let stopped = false;
    let stopWatching: () => void = () => {};
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;

    /** What moved on each number, for the screen reader's status line; nothing when no announced figure moved. */
    const announce = (pairs: { was: BoardNumber; now: NumberBoard }[]) => {
      const news = pairs.flatMap(({ was, now }) => {
        const changes = boardChanges(was, now);
        if (changes.length === 0) return [];
        const words = changes.map((c) => tr(`options.board.change.${c.figure}`, { from: c.from, to: c.to })).join(tr("options.board.separator"));
        return [tr("options.board.news", { number: was.displayName, changes: words })];
      });
      if (news.length > 0) setAnnouncement(news.join(" "));
    };

    const refetch = () => {
      clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => {
        api
          .board()
          .then((board) => {
            if (stopped) return;
            const before = current.current;
            current.current = fromBoard(board, before);
            setState(current.current);
            // A change read back here (the push for it came before the reconnect, or raced this read) is news too.
            if (before) {
              announce(
                current.current.numbers.flatMap((now) => {
                  const was = before.numbers.find((n) => n.phoneNumberId === now.phoneNumberId);
                  return was ? [{ was, now }] : [];
                }),
              );
            }
          })
          .catch((e: unknown) => setError(messageOf(e)));
      }, 300);
    };

    const pushed = (board: NumberBoard) => {
      const before = current.current;
      if (!before) return;
      const after = applyNumberBoard(before, board);
      if (after === before) return;
      current.current = after;
      shown.current.push(board.phoneNumberId);
      setState(after);
      const was = before.numbers.find((n) => n.phoneNumberId === board.phoneNumberId)!;
      announce([{ was, now: board }]);
    };

    const onEvent = (event: SocketEvent) => {
      if (event.type === "revoked") return onSignOut();
      if (event.type === "board") pushed(event.board);
    };

    api
      .board()
      .then((board) => {
        if (stopped) return;
        current.current = fromBoard(board);
        setState(current.current);
        stopWatching = watchNumbers(
          api,
          board.numbers.map((n) => n.phoneNumberId),
          {
            onEvent: (_, event) => onEvent(event),
            onOpen: refetch,
            onState: (phoneNumberId, s) => setLive((prev) => ({ ...prev, [phoneNumberId]: s })),
            onUnauthorized: onSignOut,
          },
        );
      })
      .catch((e: unknown) => setError(messageOf(e)));

    return () => {
      stopped = true;
      clearTimeout(refetchTimer);
      stopWatching();
    };
  }, [api]);

  return { state, error, live, announcement };
}
