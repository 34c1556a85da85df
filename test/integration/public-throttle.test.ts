// The public pages' rate limits (issue 16: abuse without tracking people) across a window's end: the limit holds
// over any `windowMs`, not per fixed window (CI let 30 forms through a limit of 20 when a run crossed 11:00).
import { beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../functions/lib/runtime.ts";
import {
  countAttempt,
  isThrottled,
  secondsUntilAllowed,
  slidingCount,
} from "../../functions/public/throttle.ts";
import { freshTable } from "../helpers/dynamo.ts";

const WINDOW = 10 * 60_000;
const LIMIT = 20;
const windowEnd = Math.ceil(Date.parse("2026-12-01T11:00:00Z") / WINDOW) * WINDOW;
let rt: Runtime;

beforeAll(async () => {
  const table = await freshTable();
  rt = { ...table, linkSecret: async () => "throttle-test-secret" } as unknown as Runtime;
});

describe("rate limits over a sliding window", () => {
  it("weights the previous window by how much of it the last window still covers", () => {
    expect(slidingCount(20, 0, 1)).toBe(20);
    expect(slidingCount(20, 4, 0.5)).toBe(14);
    expect(slidingCount(20, 7, 0)).toBe(7);
    expect(slidingCount(2, 8, 0.9)).toBe(10); // 1.8 of the previous window's attempts count as 2
  });

  it("tells a throttled address how long to wait for its next attempt, counting what carries into the next window", () => {
    const at = { now: windowEnd + 60_000, windowStart: windowEnd, windowMs: WINDOW };
    // A bot's 200 attempts this window: they weigh on the next one until 19 of them are left (19/200 of it).
    expect(secondsUntilAllowed({ previous: 0, current: 200 }, LIMIT, at)).toBe(
      540 + Math.ceil(600 * (1 - 19 / 200)),
    );
    // 5 this window and 30 in the last: the 30 must weigh 14 at most, 16/30 into this window.
    expect(secondsUntilAllowed({ previous: 30, current: 5 }, LIMIT, at)).toBe(
      Math.ceil(600 * (16 / 30)) - 60,
    );
    expect(secondsUntilAllowed({ previous: 0, current: 3 }, LIMIT, at)).toBe(1);
  });

  it("lets no more than the limit through a burst that crosses a window's end", async () => {
    const allowed: boolean[] = [];
    for (let i = 0; i < 15; i++)
      allowed.push((await countAttempt(rt, "submit", "192.0.2.7", LIMIT, WINDOW, windowEnd - 2_000)).allowed);
    for (let i = 0; i < 15; i++)
      allowed.push((await countAttempt(rt, "submit", "192.0.2.7", LIMIT, WINDOW, windowEnd + 2_000)).allowed);

    expect(allowed.filter(Boolean)).toHaveLength(LIMIT);
    expect(allowed.slice(0, LIMIT).every(Boolean)).toBe(true);
    const state = await isThrottled(rt, "submit", "192.0.2.7", LIMIT, WINDOW, windowEnd + 2_000);
    // 15 + 15 counted: the previous window's 15 must weigh no more than 4 (20 - 1 - 15), 11/15 into this one.
    expect(state).toEqual({ allowed: false, retryAfter: Math.ceil((WINDOW * (11 / 15)) / 1000) - 2 });
  });

  it("forgets the previous window as the last window slides past it, and counts each address and page apart", async () => {
    for (let i = 0; i < 21; i++)
      await countAttempt(rt, "follow-up", "192.0.2.8", LIMIT, WINDOW, windowEnd - 1_000);
    expect((await isThrottled(rt, "follow-up", "192.0.2.8", LIMIT, WINDOW, windowEnd + 1_000)).allowed).toBe(
      false,
    );
    // Three quarters into the next window a quarter of the 21 still counts: about 5 of 20.
    expect(
      (await isThrottled(rt, "follow-up", "192.0.2.8", LIMIT, WINDOW, windowEnd + (3 * WINDOW) / 4)).allowed,
    ).toBe(true);
    expect((await isThrottled(rt, "submit", "192.0.2.8", LIMIT, WINDOW, windowEnd + 1_000)).allowed).toBe(
      true,
    );
    expect((await isThrottled(rt, "follow-up", "192.0.2.9", LIMIT, WINDOW, windowEnd + 1_000)).allowed).toBe(
      true,
    );
  });
});
