import type { LeaderRole } from '../db/locks';
import { CoalescedRun } from './coalesced-run';

/** A background task run at start and then every `everyMs`, never twice at once; `stop` waits for a run in flight. */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly runs: CoalescedRun;

  constructor(
    run: () => Promise<void>,
    private readonly everyMs: number,
    onError: (err: unknown) => void,
  ) {
    this.runs = new CoalescedRun(run, onError);
  }

  /** Runs now, then on schedule. */
  start(): void {
    this.stopped = false;
    this.tick();
  }

  private tick(): void {
    void this.runs.request().then(() => {
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.everyMs).unref();
    });
  }

  /** The task as a role of the cluster (`Leadership.lead`): run by one node at a time. */
  asRole(): LeaderRole {
    return { start: async () => this.start(), stop: () => this.stop() };
  }

  /** Stops the schedule and waits for a run in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.runs.idle();
  }
}
