import type { LeaderRole } from '../db/locks';

/** A background task run at start and then every `everyMs`, never twice at once; `stop` waits for a run in flight. */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs now, then on schedule. */
  start(): void {
    this.stopped = false;
    this.tick();
  }

  private once(): Promise<void> {
    this.running = this.run()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private tick(): void {
    void this.once().then(() => {
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
    if (this.running) await this.running;
  }
}
