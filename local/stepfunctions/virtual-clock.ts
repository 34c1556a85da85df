// Virtual time for the local Step Functions: deadlines of weeks are run in seconds.
//
// Only setTimeout/setInterval/Date are faked, and the fake clock also advances with real time
// (shouldAdvanceTime), so the AWS SDK's retries, HTTP servers and small timers keep working;
// `advance()` jumps over long timers one at a time, letting the work each one starts settle first.
import FakeTimers from "@sinonjs/fake-timers";

// Node (and fake-timers, which copies it) runs a timer whose delay exceeds 2^31-1 ms (~24.8 days)
// after 1 ms. Step Functions deadlines and Wait states are often longer, so long delays are chained.
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

type TimerCallback = (...args: unknown[]) => void;
type SetTimeoutLike = (callback: TimerCallback, delay?: number, ...args: unknown[]) => unknown;
type ClearTimeoutLike = (handle: unknown) => void;
interface TimerGlobals {
  setTimeout: SetTimeoutLike;
  clearTimeout: ClearTimeoutLike;
}

// Installed wrappers and how many users each has: the globals are restored when the last one leaves.
const longTimeoutInstalls = new WeakMap<object, { users: number; restore: () => void }>();

class LongTimeout {
  #inner: unknown;
  #cancelled = false;
  #refed = true;
  readonly #set: SetTimeoutLike;
  readonly #clear: ClearTimeoutLike;
  readonly #dueAt: number;
  readonly #fire: () => void;

  constructor(set: SetTimeoutLike, clear: ClearTimeoutLike, dueAt: number, fire: () => void) {
    this.#set = set;
    this.#clear = clear;
    this.#dueAt = dueAt;
    this.#fire = fire;
    this.#schedule();
  }

  #schedule(): void {
    const remaining = this.#dueAt - Date.now();
    this.#inner = this.#set(
      () => {
        if (this.#cancelled) return;
        if (this.#dueAt - Date.now() > 0) this.#schedule();
        else this.#fire();
      },
      Math.max(0, Math.min(remaining, MAX_TIMER_DELAY_MS)),
    );
    if (!this.#refed) this.unref();
  }

  cancel(): void {
    this.#cancelled = true;
    this.#clear(this.#inner);
  }

  ref(): this {
    this.#refed = true;
    (this.#inner as { ref?: () => void }).ref?.();
    return this;
  }

  unref(): this {
    this.#refed = false;
    (this.#inner as { unref?: () => void }).unref?.();
    return this;
  }

  hasRef(): boolean {
    return this.#refed;
  }

  [Symbol.toPrimitive](): number {
    return Number(this.#inner);
  }
}

/**
 * Makes the global setTimeout honour delays longer than 2^31-1 ms (chained timers); shorter delays are
 * passed through untouched. Returns the function that releases it (reference-counted: the previous globals
 * come back when every user has released it).
 */
export function installLongTimeouts(): () => void {
  const globals = globalThis as unknown as TimerGlobals;
  const originalSet = globals.setTimeout;
  const originalClear = globals.clearTimeout;
  const installed = longTimeoutInstalls.get(originalSet);
  if (installed) {
    installed.users++;
    return releaseOnce(installed);
  }

  const setTimeoutLong: SetTimeoutLike = (callback, delay, ...args) => {
    if (typeof delay !== "number" || !(delay > MAX_TIMER_DELAY_MS) || typeof callback !== "function") {
      return originalSet(callback, delay, ...args);
    }
    return new LongTimeout(originalSet, originalClear, Date.now() + delay, () => callback(...args));
  };
  const clearTimeoutLong: ClearTimeoutLike = (handle) => {
    if (handle instanceof LongTimeout) handle.cancel();
    else originalClear(handle);
  };
  // Keep util.promisify.custom and fake-timers' `clock` property reachable through the wrapper.
  for (const [wrapper, original] of [
    [setTimeoutLong, originalSet],
    [clearTimeoutLong, originalClear],
  ] as const) {
    const {
      length: _length,
      name: _name,
      prototype: _prototype,
      ...rest
    } = Object.getOwnPropertyDescriptors(original);
    Object.defineProperties(wrapper, rest);
  }

  globals.setTimeout = setTimeoutLong;
  globals.clearTimeout = clearTimeoutLong;
  const install = {
    users: 1,
    restore: () => {
      if (globals.setTimeout !== setTimeoutLong) return;
      globals.setTimeout = originalSet;
      globals.clearTimeout = originalClear;
    },
  };
  longTimeoutInstalls.set(setTimeoutLong, install);
  return releaseOnce(install);
}

function releaseOnce(install: { users: number; restore: () => void }): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    install.users--;
    if (install.users === 0) install.restore();
  };
}

type FakeClock = ReturnType<typeof FakeTimers.install>;

export class ClockAlreadyInstalledError extends Error {
  override name = "ClockAlreadyInstalledError";
}

export class ConcurrentAdvanceError extends Error {
  override name = "ConcurrentAdvanceError";
}

export class VirtualClock {
  static #installed: VirtualClock | undefined;

  readonly #clock: FakeClock;
  readonly #restoreTimeouts: () => void;
  #advancing = false;

  private constructor(clock: FakeClock, restoreTimeouts: () => void) {
    this.#clock = clock;
    this.#restoreTimeouts = restoreTimeouts;
  }

  /** Fakes setTimeout/setInterval/Date from `start` (default: now). One clock at a time per process. */
  static install(start: Date = new Date()): VirtualClock {
    if (VirtualClock.#installed) {
      throw new ClockAlreadyInstalledError("A VirtualClock is already installed; uninstall it first");
    }
    const clock = FakeTimers.install({
      now: start,
      shouldAdvanceTime: true,
      advanceTimeDelta: 10,
      // Timers created before install (e.g. by a keep-alive HTTP agent) are still cleared for real.
      shouldClearNativeTimers: true,
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    });
    const virtualClock = new VirtualClock(clock, installLongTimeouts());
    VirtualClock.#installed = virtualClock;
    return virtualClock;
  }

  now(): Date {
    return new Date(this.#clock.now);
  }

  /**
   * Moves time forward by `durationMs`, firing due timers one by one in due order; after each one it awaits
   * `settle()` so that work the timer started (and the timers that work schedules) is taken into account
   * before later timers are considered. Resolves with the new time once every timer due has fired.
   */
  async advance(durationMs: number, settle: () => Promise<void>): Promise<Date> {
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new RangeError(`advance() expects a duration in ms >= 0, got ${durationMs}`);
    }
    if (this.#advancing) throw new ConcurrentAdvanceError("advance() is already running");
    this.#advancing = true;
    try {
      const target = this.#clock.now + durationMs;
      await settle();
      for (;;) {
        const next = this.#clock.timerHeap?.peek();
        if (next && (next.callAt ?? Number.POSITIVE_INFINITY) <= target) {
          this.#clock.next();
        } else if (this.#clock.now < target) {
          this.#clock.tick(target - this.#clock.now);
        } else {
          break;
        }
        await settle();
      }
      return this.now();
    } finally {
      this.#advancing = false;
    }
  }

  uninstall(): void {
    if (VirtualClock.#installed !== this) return;
    this.#restoreTimeouts();
    this.#clock.uninstall();
    VirtualClock.#installed = undefined;
  }
}
