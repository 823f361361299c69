/**
 * A task run once at a time in this process: a request made while it runs is folded into one more
 * run after it, so a burst of N requests costs two runs, not N (cache reloads, floor rounds, retraining).
 */
export class CoalescedRun {
  private running: Promise<void> | null = null;
  private again = false;

  /** `fn` is the task; its errors go to `onError` and never stop later runs. */
  constructor(
    private readonly fn: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Runs the task now, or once more after the current run; resolves when a run started after this call has ended. */
  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const loop = async () => {
      do {
        this.again = false;
        await this.fn().catch(this.onError);
      } while (this.again);
    };
    this.running = loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
