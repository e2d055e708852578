import type { Board, BoardFigures, CsatFigures, NumberBoard, Timing } from "../../shared/analytics";
import { csatFigures, timing } from "../../shared/stats";

/**
 * The live board: GET /board once, then each number's socket pushes that number's figures whole. Teams and the
 * workspace's totals are worked out here from the numbers' figures: counts add up, the longest wait is the earliest
 * start, and today's median first response and CSAT come from the numbers' samples put together (a median of
 * medians would be wrong).
 */
export type BoardNumber = Board["numbers"][number];

export interface BoardState {
  numbers: BoardNumber[];
  timeZone: string;
}

export interface TeamFigures extends BoardFigures {
  id: string;
  name: string;
}

const sumOf = (parts: BoardFigures[], pick: (f: BoardFigures) => number) => parts.reduce((sum, f) => sum + pick(f), 0);

/** Several numbers' (or one team's on several numbers) figures as one. */
export function mergeFigures(parts: BoardFigures[]): BoardFigures {
  const since = parts.map((f) => f.longestWaitingSince).filter((s): s is number => s !== null);
  return {
    open: sumOf(parts, (f) => f.open),
    waiting: sumOf(parts, (f) => f.waiting),
    longestWaitingSince: since.length ? Math.min(...since) : null,
    agents: {
      available: sumOf(parts, (f) => f.agents.available),
      away: sumOf(parts, (f) => f.agents.away),
      offline: sumOf(parts, (f) => f.agents.offline),
    },
    load: sumOf(parts, (f) => f.load),
    capacity: parts.some((f) => f.capacity === null) ? null : sumOf(parts, (f) => f.capacity ?? 0),
    today: {
      new: sumOf(parts, (f) => f.today.new),
      resolved: sumOf(parts, (f) => f.today.resolved),
      firstResponsesMs: parts.flatMap((f) => f.today.firstResponsesMs),
      csatStars: parts.flatMap((f) => f.today.csatStars),
    },
  };
}

/** Each team once, in the order the numbers first name them, with its figures on every number added up. */
export function teamsAcross(numbers: NumberBoard[]): TeamFigures[] {
  const order: { id: string; name: string }[] = [];
  const parts = new Map<string, BoardFigures[]>();
  for (const number of numbers) {
    for (const team of number.teams) {
      if (!parts.has(team.id)) {
        order.push({ id: team.id, name: team.name });
        parts.set(team.id, []);
      }
      parts.get(team.id)!.push(team);
    }
  }
  return order.map((team) => ({ ...team, ...mergeFigures(parts.get(team.id)!) }));
}

/** What a row of the board shows, worked out from its figures. */
export interface BoardRow {
  open: number;
  waiting: number;
  /** How long the longest-waiting customer has waited at `now`; null when nobody waits. */
  longestWaitMs: number | null;
  available: number;
  away: number;
  offline: number;
  load: number;
  capacity: number | null;
  new: number;
  resolved: number;
  firstResponse: Timing;
  csat: CsatFigures;
}

export function boardRow(f: BoardFigures, now: number): BoardRow {
  return {
    open: f.open,
    waiting: f.waiting,
    longestWaitMs: f.longestWaitingSince === null ? null : Math.max(0, now - f.longestWaitingSince),
    available: f.agents.available,
    away: f.agents.away,
    offline: f.agents.offline,
    load: f.load,
    capacity: f.capacity,
    new: f.today.new,
    resolved: f.today.resolved,
    firstResponse: timing(f.today.firstResponsesMs),
    csat: csatFigures(f.today.csatStars),
  };
}

/** A fresh GET /board. A number's figures already pushed and newer than the answer's stay. */
export function fromBoard(board: Board, previous: BoardState | null = null): BoardState {
  return {
    timeZone: board.timeZone,
    numbers: board.numbers.map((fetched) => {
      const known = previous?.numbers.find((n) => n.phoneNumberId === fetched.phoneNumberId);
      return known && known.at > fetched.at ? { ...known, displayName: fetched.displayName } : fetched;
    }),
  };
}

/** A pushed `board` event: that number's figures, whole. An older one than shown, or an unknown number's, changes nothing. */
export function applyNumberBoard(state: BoardState, board: NumberBoard): BoardState {
  const known = state.numbers.find((n) => n.phoneNumberId === board.phoneNumberId);
  if (!known || known.at > board.at) return state;
  return { ...state, numbers: state.numbers.map((n) => (n === known ? { ...board, displayName: known.displayName } : n)) };
}

export type BoardChangeFigure = "waiting" | "open" | "new" | "resolved" | "available" | "ratings";

export interface BoardChange {
  figure: BoardChangeFigure;
  from: number;
  to: number;
}

const ANNOUNCED: [BoardChangeFigure, (f: BoardFigures) => number][] = [
  ["waiting", (f) => f.waiting],
  ["open", (f) => f.open],
  ["new", (f) => f.today.new],
  ["resolved", (f) => f.today.resolved],
  ["available", (f) => f.agents.available],
  ["ratings", (f) => f.today.csatStars.length],
];

/** The figures worth telling a screen reader about that differ between two of a number's boards, in a fixed order. */
export function boardChanges(before: BoardFigures, after: BoardFigures): BoardChange[] {
  return ANNOUNCED.flatMap(([figure, read]) => (read(before) === read(after) ? [] : [{ figure, from: read(before), to: read(after) }]));
}
