/**
 * Webhooks for one number that reach this isolate within a millisecond or two of each other share one call into
 * the number's object. After the commit, the call is the costly part of a webhook on this runtime: at 1,000 POSTs a
 * second, one RPC into an object that does nothing leaves about 1.5 KB in V8's old generation and 0.7 KB in the
 * runtime's C++ heap, whatever it carries, half of what a whole webhook leaves (bench/README.md, "What one call into
 * an object leaves for the collector"). That garbage is what the runtime's long, atomic collections sweep.
 *
 * No request waits on a promise another request settles: under `no_handle_cross_request_promise_resolution` (which
 * the Workers test pool sets) such a continuation runs in the settling request, and a request whose only wait is on
 * another one is cancelled as hung. So each request waits on timers of its own:
 * - A request that finds deliveries coming slower than the hold limit calls at once, carrying whatever waits.
 * - Otherwise it waits up to the limit (the pace the object's commit hold uses, commit-hold.ts) for the others the
 *   pace says are coming. The one whose arrival completes the group, or whose wait ends first with its delivery
 *   still waiting, takes every delivery waiting (up to `maxGroup`) into one call, kept alive by its own `waitUntil`.
 * - The others look for their answer every `pollMs`. A request with no answer after `fallbackMs` (the taker was
 *   cancelled before its call answered, say) makes its own call: the object drops wamids it already stored, so a
 *   delivery carried twice is stored once.
 */
import { holdPlan, paceAfter, QUIET, type ArrivalPace } from "../number-inbox/commit-hold";

/**
 * How long a webhook waits for others to share its call, when they come faster than this apart: half the object's
 * commit hold, which still groups calls that come from other isolates.
 */
export const SHARED_CALL_HOLD_MS = 2;

/** How often a webhook whose delivery another request carries looks for its answer. */
export const SHARED_CALL_POLL_MS = 1;

/**
 * How long a webhook waits for the call another request took for it before making its own. Far past any answer on
 * a healthy object (a turn of 32 deliveries holds it for about ten milliseconds), far inside Meta's patience.
 */
export const SHARED_CALL_FALLBACK_MS = 5_000;

export interface SharedCallSteps {
  /** A timer of the calling request's own. */
  sleep(ms: number): Promise<void>;
  /** Milliseconds, for the pace of arrivals. */
  now(): number;
  holdLimitMs: number;
  pollMs: number;
  maxGroup: number;
  fallbackMs: number;
}

/** What the calling request does with its own hands: the call into the object, and its `waitUntil`. */
export interface OwnRequest<In, Out> {
  /** One call carrying `items`, in order; answers one output per item, in the same order. */
  call(items: In[]): Promise<Out[]>;
  /** A call this request takes runs to its end even if this request's client goes away. */
  keepAlive(work: Promise<unknown>): void;
}

type Answer<Out> = { out: Out } | { error: unknown };

class Waiting<In, Out> {
  taken = false;
  /** Set by the request whose call carried this delivery; read by this delivery's own request. */
  answer: Answer<Out> | null = null;
  constructor(readonly item: In) {}
}

class Lane<In, Out> {
  waiting: Waiting<In, Out>[] = [];
  pace: ArrivalPace = QUIET;
}

const unwrap = <Out>(answer: Answer<Out>): Out => {
  if ("error" in answer) throw answer.error;
  return answer.out;
};

export class SharedCalls<In, Out> {
  private readonly lanes = new Map<string, Lane<In, Out>>();

  constructor(private readonly steps: SharedCallSteps) {}

  /** `item`'s output, from a call it shares with the deliveries for `key` waiting with it. */
  async submit(key: string, item: In, own: OwnRequest<In, Out>): Promise<Out> {
    const lane = this.laneFor(key);
    lane.pace = paceAfter(lane.pace, this.steps.now());
    const mine = new Waiting<In, Out>(item);
    lane.waiting.push(mine);
    const plan = holdPlan(lane.pace.meanGapMs, this.steps.holdLimitMs, this.steps.maxGroup);
    if (plan.holdMs > 0 && lane.waiting.length < plan.releaseAt) await this.steps.sleep(plan.holdMs);
    // Still waiting: this request takes the group, every delivery waiting before it (up to the group size) and its
    // own. With more waiting than a group holds, another request may take this one's meanwhile.
    while (!mine.taken) {
      const call = this.take(lane, own);
      own.keepAlive(call);
      await call;
    }
    for (let waited = 0; mine.answer === null; waited += this.steps.pollMs) {
      if (waited >= this.steps.fallbackMs) {
        // Nobody answered in time: this delivery goes alone (stored once even if the shared call stored it too).
        const [out] = await own.call([item]);
        if (out === undefined) throw new Error("the call answered no item");
        return out;
      }
      await this.steps.sleep(this.steps.pollMs);
    }
    return unwrap(mine.answer);
  }

  private laneFor(key: string): Lane<In, Out> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = new Lane()));
    return lane;
  }

  /** Every delivery waiting (up to the group size, the caller's among them) goes into one call. */
  private async take(lane: Lane<In, Out>, own: OwnRequest<In, Out>): Promise<void> {
    const group = lane.waiting.splice(0, Math.max(1, this.steps.maxGroup));
    for (const waiting of group) waiting.taken = true;
    try {
      const outs = await own.call(group.map((w) => w.item));
      group.forEach((waiting, i) => {
        waiting.answer = i < outs.length ? { out: outs[i]! } : { error: new Error("the shared call answered fewer items than it carried") };
      });
    } catch (error) {
      for (const waiting of group) waiting.answer = { error };
    }
  }
}
