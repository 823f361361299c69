/**
 * Intake first under a flood. Providers wait for a webhook's acknowledgement and retry (or, for
 * Messenger, eventually unsubscribe the page) when it is slow; processing can wait, since every
 * webhook is stored before it is acknowledged. This gauge counts the webhooks being stored in this
 * process; while `threshold` or more are in flight (the node cannot keep up with what arrives), the
 * inbound lane claims at most once per `maxYieldMs`, and at most `busyClaim` jobs at a time, so
 * the acknowledgements get the CPU and the database, and processing resumes at full speed as soon
 * as the flood ebbs. The limit keeps a trickle of processing going under a flood that never ends.
 * The delivery lane is only narrowed meanwhile (`narrowing`).
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
  private waiters: (() => void)[] = [];

  /** `onYield`: a lane holds back a claim (a metric). */
  constructor(
    readonly maxYieldMs: number,
    private readonly onYield: () => void = () => {},
    private readonly threshold = 8,
    readonly busyClaim = 8,
  ) {}

  /** A webhook started being stored. */
  enter(): void {
    this.inflight++;
  }

  /** A webhook was answered (stored or refused). */
  leave(): void {
    this.inflight--;
    if (!this.busy()) this.waiters.splice(0).forEach((resolve) => resolve());
  }

  busy(): boolean {
    return this.maxYieldMs > 0 && this.inflight >= this.threshold;
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
    });
  }
}
