/**
 * Intake first under a flood. Providers wait for a webhook's acknowledgement and retry (or, for
 * Messenger, eventually unsubscribe the page) when it is slow; processing can wait, since every
 * webhook is stored before it is acknowledged. This gauge counts the webhooks being stored in this
 * process; while `threshold` or more are in flight (the node cannot keep up with what arrives), the
 * inbound lane claims at most once per `maxYieldMs`, and at most `busyClaim` jobs at a time, so
 * the acknowledgements get the CPU and the database, and processing resumes at full speed once the
 * flood has ebbed for `settleMs`. The limit keeps a trickle of processing going under a flood that
 * never ends. The delivery lane is only narrowed meanwhile (`narrowing`).
 *
 * Why the settling time: the intake commits webhooks in groups (`group-write.ts`), so during a flood
 * the count falls to near 0 each time a group commits and climbs back within milliseconds. Read at
 * that instant, the flood would look over, and the lane would claim its whole width between two
 * groups, many times a second.
 */

/** What a job lane asks before it claims (`WorkerOptions.gate`). */
export interface ClaimGate {
  /** How long a lane may hold back its claims while `busy()` (0: never). */
  readonly maxYieldMs: number;
  /** Most jobs a lane claims at once while `busy()` (a wide lane would otherwise take its whole width each time). */
  readonly busyClaim: number;
  /** Most jobs a lane runs at once while `busy()` (absent: its whole width). */
  readonly busyWidth?: number;
  /** True while the intake has the priority. */
  busy(): boolean;
  /** Resolves once the intake is no longer busy, or after `ms`. */
  calm(ms: number): Promise<void>;
}

/** Webhooks in flight in this process; a `ClaimGate` for the inbound lane. */
export class IntakePressure implements ClaimGate {
  private inflight = 0;
  /** When the count was last at or above the threshold (`performance.now()`). */
  private floodSeenAt = -Infinity;
  private waiters: (() => void)[] = [];
  private settleTimer: NodeJS.Timeout | undefined;

  /**
   * `onYield`: a lane holds back a claim (a metric). `settleMs`: how long the count must stay below
   * the threshold for the flood to be over (a group commit takes a few milliseconds; at a steady
   * 50 webhooks/s the count never reaches the threshold, so nothing waits for it).
   */
  constructor(
    readonly maxYieldMs: number,
    private readonly onYield: () => void = () => {},
    private readonly threshold = 8,
    readonly busyClaim = 8,
    private readonly settleMs = 50,
  ) {}

  /** A webhook started being stored. */
  enter(): void {
    this.inflight++;
    if (this.inflight >= this.threshold) this.floodSeenAt = performance.now();
  }

  /** A webhook was answered (stored or refused). */
  leave(): void {
    if (this.inflight >= this.threshold) this.floodSeenAt = performance.now();
    this.inflight--;
    if (this.waiters.length > 0 && this.inflight < this.threshold) this.wakeWhenSettled();
  }

  busy(): boolean {
    if (this.maxYieldMs <= 0) return false;
    return this.inflight >= this.threshold || performance.now() - this.floodSeenAt < this.settleMs;
  }

  /** Releases the waiting lanes once the count has stayed below the threshold for `settleMs`. */
  private wakeWhenSettled(): void {
    if (this.settleTimer) return;
    const check = () => {
      this.settleTimer = undefined;
      if (this.waiters.length === 0 || this.inflight >= this.threshold) return;
      const left = this.floodSeenAt + this.settleMs - performance.now();
      if (left > 0) {
        this.settleTimer = setTimeout(check, left);
        this.settleTimer.unref();
        return;
      }
      this.waiters.splice(0).forEach((resolve) => resolve());
    };
    check();
  }

  /**
   * A gate for a lane that never holds its claims back but runs at most `width` jobs at once while
   * the intake is busy (deliveries: answers already decided keep going out during a flood, fewer
   * at a time, so the acknowledgements keep their share of the machine).
   */
  narrowing(width: number): ClaimGate {
    return { maxYieldMs: 0, busyClaim: width, busyWidth: width, busy: () => this.busy(), calm: (ms) => this.calm(ms) };
  }

  calm(ms: number): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    this.onYield();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, ms);
      timer.unref();
      this.waiters.push(done);
      if (this.inflight < this.threshold) this.wakeWhenSettled();
    });
  }
}
