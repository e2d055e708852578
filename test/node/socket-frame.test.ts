import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinIntoFrames, readFrame } from "../../shared/socket-frame";

/** Events as the number's object serialises them: objects with a type, any JSON inside, any length. */
const serialisedEvent = fc
  .record({ type: fc.constantFrom("conversation", "message", "ticks", "agent_status", "notice"), body: fc.jsonValue() })
  .map((event) => JSON.stringify(event));

describe("socket frames (shared/socket-frame.ts)", () => {
  it("gives back every event, in order, from the frames it joins them into", () => {
    fc.assert(
      fc.property(fc.array(serialisedEvent, { minLength: 1, maxLength: 60 }), fc.integer({ min: 16, max: 4_000 }), (events, maxChars) => {
        const frames = joinIntoFrames(events, maxChars);
        expect(frames.flatMap(readFrame)).toEqual(events.map((e) => JSON.parse(e)));
      }),
    );
  });

  it("keeps each frame within the limit unless one event alone is larger, and sends a lone event as itself", () => {
    fc.assert(
      fc.property(fc.array(serialisedEvent, { minLength: 1, maxLength: 60 }), fc.integer({ min: 16, max: 4_000 }), (events, maxChars) => {
        const frames = joinIntoFrames(events, maxChars);
        for (const frame of frames) {
          if (events.includes(frame)) continue; // one event, as it was serialised
          expect(frame.length).toBeLessThanOrEqual(maxChars + `{"type":"events","events":[]}`.length);
        }
        if (events.length === 1) expect(frames).toEqual(events);
      }),
    );
  });

  it("reads the ping's answer as no event", () => {
    expect(readFrame("pong")).toEqual([]);
  });
});
