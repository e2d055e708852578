import { describe, expect, it } from "vitest";
import type { Board, BoardFigures, NumberBoard } from "../../shared/analytics";
import { applyNumberBoard, boardChanges, boardRow, fromBoard, mergeFigures, teamsAcross } from "../../extension/options/board-state";

function figures(overrides: Partial<BoardFigures> = {}, today: Partial<BoardFigures["today"]> = {}): BoardFigures {
  return {
    open: 0,
    waiting: 0,
    longestWaitingSince: null,
    agents: { available: 0, away: 0, offline: 0 },
    load: 0,
    capacity: 0,
    ...overrides,
    today: { new: 0, resolved: 0, firstResponsesMs: [], csatStars: [], ...today },
  };
}

const acme: NumberBoard = {
  phoneNumberId: "A",
  at: 1_000,
  ...figures({ open: 3, waiting: 1, longestWaitingSince: 500, agents: { available: 2, away: 1, offline: 0 }, load: 2, capacity: 10 }, { new: 4, resolved: 2, firstResponsesMs: [10_000, 30_000], csatStars: [5] }),
  teams: [
    { id: "t1", name: "售前", ...figures({ open: 2, waiting: 1, longestWaitingSince: 500, agents: { available: 2, away: 0, offline: 0 }, load: 2, capacity: 8 }, { new: 3, resolved: 1, firstResponsesMs: [10_000, 30_000], csatStars: [5] }) },
    { id: "t2", name: "售后", ...figures({ open: 1, agents: { available: 0, away: 1, offline: 0 }, capacity: 2 }, { resolved: 1 }) },
  ],
};
const returns: NumberBoard = {
  phoneNumberId: "B",
  at: 2_000,
  ...figures({ open: 1, waiting: 2, longestWaitingSince: 300, agents: { available: 1, away: 0, offline: 2 }, load: 1, capacity: null }, { new: 1, firstResponsesMs: [20_000, 40_000, 50_000], csatStars: [2, 4] }),
  teams: [{ id: "t2", name: "售后", ...figures({ open: 1, waiting: 2, longestWaitingSince: 300, agents: { available: 1, away: 0, offline: 0 }, load: 1, capacity: null }, { new: 1, firstResponsesMs: [40_000], csatStars: [2] }) }],
};
const board: Board = { timeZone: "Asia/Shanghai", numbers: [{ ...acme, displayName: "Acme" }, { ...returns, displayName: "Returns" }] };

describe("the live board's merged figures", () => {
  it("adds counts up, keeps the earliest wait, and no capacity when anyone is unlimited", () => {
    const all = mergeFigures([acme, returns]);
    expect(all).toMatchObject({ open: 4, waiting: 3, longestWaitingSince: 300, agents: { available: 3, away: 1, offline: 2 }, load: 3, capacity: null });
    expect(all.today).toMatchObject({ new: 5, resolved: 2 });
    expect(mergeFigures([acme, acme]).capacity).toBe(20);
    expect(mergeFigures([]).longestWaitingSince).toBeNull();
  });

  it("takes today's median first response and CSAT from the samples put together, never from the numbers' own medians", () => {
    // Acme's samples are 10 and 30 s, Returns' 20, 40 and 50 s: the five samples' median is 30 s.
    const row = boardRow(mergeFigures([acme, returns]), 10_000);
    expect(row.firstResponse.count).toBe(5);
    expect(row.firstResponse.medianMs).toBe(30_000);
    const skewed = boardRow(mergeFigures([acme, { ...returns, today: { ...returns.today, firstResponsesMs: [90_000] } }]), 0);
    // Samples 10, 30, 90 s: the median is 30 s, where the mean of the medians (20 and 90) would say 55 s.
    expect(skewed.firstResponse.medianMs).toBe(30_000);
    expect(row.csat).toEqual({ responses: 3, average: 11 / 3, satisfiedShare: 2 / 3 });
  });

  it("merges a team working on several numbers by its id, in the order the numbers first name teams", () => {
    const teams = teamsAcross([acme, returns]);
    expect(teams.map((t) => [t.id, t.name])).toEqual([
      ["t1", "售前"],
      ["t2", "售后"],
    ]);
    const after = teams[1]!;
    expect(after).toMatchObject({ open: 2, waiting: 2, longestWaitingSince: 300, agents: { available: 1, away: 1, offline: 0 }, load: 1, capacity: null });
    expect(after.today).toEqual({ new: 1, resolved: 1, firstResponsesMs: [40_000], csatStars: [2] });
  });

  it("works out the longest wait at the moment shown, and nothing when nobody waits", () => {
    expect(boardRow(acme, 65_500).longestWaitMs).toBe(65_000);
    expect(boardRow(acme, 100).longestWaitMs).toBe(0);
    expect(boardRow(figures(), 65_500).longestWaitMs).toBeNull();
    expect(boardRow(figures(), 0).firstResponse).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(boardRow(figures(), 0).csat.average).toBeNull();
  });
});

describe("applying the board", () => {
  it("replaces a number's figures with a pushed board, keeping its name; an older or unknown board changes nothing", () => {
    const state = fromBoard(board);
    const pushed: NumberBoard = { ...acme, at: 1_500, waiting: 0, longestWaitingSince: null };
    const after = applyNumberBoard(state, pushed);
    expect(after.numbers[0]).toMatchObject({ displayName: "Acme", waiting: 0, at: 1_500 });
    expect(after.numbers[1]).toBe(state.numbers[1]);
    expect(applyNumberBoard(after, { ...acme, at: 1_200 })).toBe(after);
    expect(applyNumberBoard(after, { ...acme, phoneNumberId: "C" })).toBe(after);
  });

  it("keeps a pushed board newer than a later GET's answer, and takes the answer's names and zone", () => {
    const pushed = applyNumberBoard(fromBoard(board), { ...acme, at: 5_000, waiting: 7 });
    const refetched = fromBoard({ timeZone: "UTC", numbers: [{ ...acme, at: 4_000, displayName: "Acme Store" }, { ...returns, at: 6_000, waiting: 0, displayName: "Returns" }] }, pushed);
    expect(refetched.timeZone).toBe("UTC");
    expect(refetched.numbers[0]).toMatchObject({ at: 5_000, waiting: 7, displayName: "Acme Store" });
    expect(refetched.numbers[1]).toMatchObject({ at: 6_000, waiting: 0 });
  });

  it("names what changed for the live region, in a fixed order", () => {
    const after = { ...acme, waiting: 0, open: 3, today: { ...acme.today, resolved: 3, csatStars: [5, 4] } };
    expect(boardChanges(acme, after)).toEqual([
      { figure: "waiting", from: 1, to: 0 },
      { figure: "resolved", from: 2, to: 3 },
      { figure: "ratings", from: 1, to: 2 },
    ]);
    const later: NumberBoard = { ...acme, at: 9_999 };
    expect(boardChanges(acme, later)).toEqual([]);
  });
});
