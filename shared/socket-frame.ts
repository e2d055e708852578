// Only types from ./inbox: the benchmark's load processes import this file under plain Node.
import type { SocketEvent, SocketFrame } from "./inbox";

/** The events a frame carries, in order. */
export function eventsOfFrame(frame: SocketFrame): SocketEvent[] {
  return frame.type === "events" ? frame.events : [frame];
}

/** The events in a frame as received (its text), or none when it is not ours to read (the `pong` to a ping). */
export function readFrame(data: string): SocketEvent[] {
  if (data === "pong") return [];
  return eventsOfFrame(JSON.parse(data) as SocketFrame);
}

/** Frames stay well under the runtime's WebSocket message limit however much one step pushes (a bulk action). */
export const MAX_FRAME_CHARS = 256 * 1024;

/**
 * Already serialised events as few frames as fit `MAX_FRAME_CHARS`, in order; an event is never split or re-encoded,
 * and one event alone is sent as itself.
 */
export function joinIntoFrames(events: readonly string[], maxChars = MAX_FRAME_CHARS): string[] {
  if (events.length === 1) return [events[0]!];
  const frames: string[] = [];
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 1) frames.push(pending[0]!);
    else if (pending.length > 1) frames.push(`{"type":"events","events":[${pending.join(",")}]}`);
    pending = [];
    size = 0;
  };
  for (const event of events) {
    if (pending.length > 0 && size + event.length + 1 > maxChars) flush();
    pending.push(event);
    size += event.length + 1;
  }
  flush();
  return frames;
}
