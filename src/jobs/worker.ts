/**
 * Runs durable jobs: claims what is runnable, runs each kind's handler, completes, retries with
 * backoff, or fails permanently. Woken at once by `wake()` (same-process enqueue) and otherwise polls.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { backoffMs, claimJobs, completeJob, failJob, type Job } from './queue';

/** Thrown by a handler to fail a job without retrying. */
export class PermanentJobError extends Error {}

/** Thrown by a handler to retry after a given delay (e.g. Retry-After). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** A job handler; throwing schedules a retry (or a permanent failure). */
export type JobHandler = (job: Job) => Promise<void>;

/** Options of the worker. */
export interface WorkerOptions {
  concurrency: number;
  /** Lease of a claimed job; an expired lease makes it claimable again (default: 120 s). */
  leaseMs?: number;
  /** Poll interval when idle (default: 500 ms). */
  pollMs?: number;
  onJobDone?: (job: Job, outcome: 'done' | 'retry' | 'failed', ms: number) => void;
}

/** The job worker of one process. */
export class Worker {
  private readonly id = `w-${randomUUID().slice(0, 8)}`;
  private inflight = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private again = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly handlers: Record<string, JobHandler>,
    private readonly log: Logger,
    private readonly opts: WorkerOptions,
  ) {}

  /** Starts polling. */
  start(): void {
    if (this.running || this.opts.concurrency === 0) return;
    this.running = true;
    this.wake();
  }

  /** Stops claiming and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.inflight > 0) await new Promise<void>((r) => this.idle.push(r));
  }

  /** Looks for work now (call after enqueueing). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        const free = this.opts.concurrency - this.inflight;
        if (free <= 0 || !this.running) break;
        let jobs: Job[] = [];
        try {
          jobs = await claimJobs(this.db, this.id, free, this.opts.leaseMs ?? 120_000);
        } catch (err) {
          if (this.running) this.log.error({ err }, 'job claim failed');
          break;
        }
        for (const job of jobs) void this.run(job);
        if (jobs.length === free) this.again = true;
      } while (this.again && this.running);
    } finally {
      this.pumping = false;
    }
    if (this.running) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), this.opts.pollMs ?? 500);
      this.timer.unref();
    }
  }

  private async run(job: Job): Promise<void> {
    this.inflight++;
    const started = performance.now();
    let outcome: 'done' | 'retry' | 'failed' = 'done';
    try {
      const handler = this.handlers[job.kind];
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler(job);
      await completeJob(this.db, job.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError;
      const delay = err instanceof RetryLaterError ? err.delayMs : backoffMs(job.attempts);
      try {
        outcome = await failJob(this.db, job, message, delay, permanent);
      } catch (failErr) {
        outcome = 'retry'; // the lease expires and the job is claimed again
        this.log.error({ err: failErr, jobId: job.id }, 'could not record job failure');
      }
      const level = outcome === 'failed' ? 'error' : 'warn';
      this.log[level]({ jobId: job.id, kind: job.kind, attempts: job.attempts, err: message }, `job ${outcome}`);
    } finally {
      this.inflight--;
      this.opts.onJobDone?.(job, outcome, performance.now() - started);
      if (this.inflight === 0) this.idle.splice(0).forEach((r) => r());
      this.wake();
    }
  }
}
