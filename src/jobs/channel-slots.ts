/**
 * A cap on the jobs of one channel running at once in a lane (deliveries): a provider that is slow
 * or timing out then holds at most `cap` of the lane's slots, and the other channels' replies keep
 * going out through the rest. The lane claims at most `room()` jobs at once (`WorkerOptions.room`)
 * and none of a `full()` channel (`CLAIM_CAPPED_JOBS_SQL`), so no channel goes over its cap; the
 * handlers, wrapped by `guard`, give the room back. A job names its channel in its payload
 * (`payload.channel`); a job without one is not capped.
 */
import type { JobHandler } from './worker';
import type { Job } from './queue';

export class ChannelSlots {
  private readonly running = new Map<string, number>();

  /** `onFreed`: a channel that had no room has some again (wake the lane: its last claim left that channel's jobs behind). */
  constructor(
    readonly cap: number,
    private readonly onFreed: () => void = () => {},
  ) {}

  /** The channels with no room left: the lane's claim leaves their jobs out. */
  full(): string[] {
    return [...this.running].filter(([, n]) => n >= this.cap).map(([channel]) => channel);
  }

  /**
   * The most jobs one claim may take with no channel going over its cap: the least room of the
   * channels running something and not full (a channel running nothing has `cap`).
   */
  room(): number {
    let most = this.cap;
    for (const n of this.running.values()) if (n < this.cap) most = Math.min(most, this.cap - n);
    return most;
  }

  /** Counts claimed jobs as running. */
  taken(jobs: readonly Job[]): void {
    for (const job of jobs) {
      const channel = channelOf(job);
      if (channel !== null) this.running.set(channel, (this.running.get(channel) ?? 0) + 1);
    }
  }

  /** Runs `handler`, giving the job's slot back when it ends. */
  guard(handler: JobHandler): JobHandler {
    return async (job) => {
      try {
        return await handler(job);
      } finally {
        this.release(job);
      }
    };
  }

  private release(job: Job): void {
    const channel = channelOf(job);
    if (channel === null) return;
    const n = this.running.get(channel) ?? 0;
    if (n <= 1) this.running.delete(channel);
    else this.running.set(channel, n - 1);
    if (n >= this.cap) this.onFreed();
  }
}

function channelOf(job: Job): string | null {
  const channel = job.payload.channel;
  return typeof channel === 'string' ? channel : null;
}
