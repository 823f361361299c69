/**
 * A cap on the jobs of one channel running at once in a lane (deliveries): a provider that is slow
 * or timing out then holds at most `cap` of the lane's slots, and the other channels' replies keep
 * going out through the rest. The lane (`WorkerOptions.slots`) claims at most `room()` jobs at once
 * and none of a `full()` channel (its claim's `skipChannels`), and keeps room for a job started by
 * its writer only below the cap (`take`), so a channel goes over its cap only by the room kept while
 * a claim was on its way (`Worker.reserve`); it counts every job (`taken`, `take`) and gives each
 * job's room back when the job ends (`release`, `give`). A job names its channel in its payload
 * (`payload.channel`); a job without one is not capped.
 */
import type { Job } from './queue';

export class ChannelSlots {
  private readonly running = new Map<string, number>();

  constructor(readonly cap: number) {}

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

  /** Counts claimed jobs as running: all of them, as they all run, even past the cap when room was kept while the claim was on its way. */
  taken(jobs: readonly Job[]): void {
    for (const job of jobs) {
      const channel = channelOf(job);
      if (channel !== null) this.running.set(channel, (this.running.get(channel) ?? 0) + 1);
    }
  }

  /** Takes room for one job of `channel` (a job started by its writer, `Worker.reserve`); false when the channel is full. */
  take(channel: string): boolean {
    const n = this.running.get(channel) ?? 0;
    if (n >= this.cap) return false;
    this.running.set(channel, n + 1);
    return true;
  }

  /** Gives an ended job's room back; true when its channel was full (the lane should claim again). */
  release(job: Job): boolean {
    const channel = channelOf(job);
    return channel === null ? false : this.give(channel);
  }

  /** Gives back the room of one job of `channel`; true when the channel was full. */
  give(channel: string): boolean {
    const n = this.running.get(channel) ?? 0;
    if (n <= 1) this.running.delete(channel);
    else this.running.set(channel, n - 1);
    return n >= this.cap;
  }
}

function channelOf(job: Job): string | null {
  const channel = job.payload.channel;
  return typeof channel === 'string' ? channel : null;
}
