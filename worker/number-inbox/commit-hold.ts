/**
 * Whether a delivery that finds no turn due waits a moment for the next ones to share its commit. A commit costs
 * about as much as the delivery itself on this runtime (the WAL frames of every page it touched and a sync); when
 * deliveries come faster than one every couple of milliseconds but each still finds the object idle, each pays a
 * commit of its own. Waiting up to `limitMs` for the few the pace says are coming turns N commits into one; the
 * wait ends as soon as they are there. Slower traffic never waits: the pace says nobody else is coming.
 */

/** How the object tracks the pace of deliveries: a moving mean of the gaps between them. */
export interface ArrivalPace {
  meanGapMs: number;
  lastAt: number | null;
}

/** A gap longer than this counts as this: after a quiet minute, about ten quick arrivals bring the hold back. */
const LONGEST_GAP_MS = 100;
/** Each new gap's weight in the mean: about the last four arrivals decide it. */
const WEIGHT = 0.25;

export const QUIET: ArrivalPace = { meanGapMs: LONGEST_GAP_MS, lastAt: null };

/** The pace once one more delivery arrived at `now` (ms). */
export function paceAfter(pace: ArrivalPace, now: number): ArrivalPace {
  if (pace.lastAt === null) return { meanGapMs: pace.meanGapMs, lastAt: now };
  const gap = Math.min(LONGEST_GAP_MS, Math.max(0, now - pace.lastAt));
  return { meanGapMs: pace.meanGapMs + WEIGHT * (gap - pace.meanGapMs), lastAt: now };
}

export interface HoldPlan {
  /** How long the turn waits for company; 0: it runs on the next turn of the event loop. */
  holdMs: number;
  /** The wait ends early once this many deliveries wait: the ones the pace said were coming are there. */
  releaseAt: number;
}

/** The plan for a turn about to be scheduled, given the pace, the longest wait allowed and the most one turn takes. */
export function holdPlan(meanGapMs: number, limitMs: number, maxGroup: number): HoldPlan {
  if (limitMs <= 0 || meanGapMs >= limitMs) return { holdMs: 0, releaseAt: 1 };
  const expected = 1 + Math.floor(limitMs / Math.max(meanGapMs, 0.1));
  return { holdMs: limitMs, releaseAt: Math.max(2, Math.min(maxGroup, expected)) };
}
