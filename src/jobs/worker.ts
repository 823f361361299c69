/**
 * Runs durable jobs of one lane (a set of kinds): claims what is runnable, runs each kind's
 * handler, completes, retries with backoff, or fails permanently. Woken at once by `wake()`
 * (same-process enqueue) and otherwise polls. Leases are short and renewed while a job runs, so
 * the jobs of a process that died are taken over by others within one lease. A lane may be gated
 * (`gate`): under a webhook flood it then claims at most once per the gate's longest wait.
 */
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { ChannelSlots } from './channel-slots';
import type { ClaimGate } from './intake-pressure';
import { backoffMs, claimJobs, completeJob, failJob, releaseOwnJobs, renewLeases, type ClaimJobs, type Job } from './queue';

/** Thrown by a handler to fail a job without retrying. */
export class PermanentJobError extends Error {}

/**
 * Thrown by a handler to retry after a given delay (e.g. Retry-After). The handler decides itself
 * when to give up, on a later run (the dispatcher marks its messages failed then): the job is
 * retried whatever its give-up time. Given up here too, a job past that time while its handler was
 * deciding was failed with its messages still queued, never sent nor shown as failed.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/**
 * What a handler returns when its own last write already removed the job (`completeJobSql`), to
 * save the worker's statement; `successor`: a later job of the same ordering key is waiting.
 */
export interface CompletedInline {
  completedInline: true;
  successor: boolean;
}

/** A job handler; throwing schedules a retry (or a permanent failure). */
export type JobHandler = (job: Job) => Promise<void | CompletedInline>;

/** Options of the worker. */
export interface WorkerOptions {
  concurrency: number;
  /** This process's stable id (same across restarts), recorded on claimed jobs (default: a random one). */
  id?: string;
  /** Lease of a claimed job, renewed every third of it while the job runs (default: 15 s). */
  leaseMs?: number;
  /** How this lane claims its jobs (default: `claimJobs`). */
  claim?: ClaimJobs;
  /** Poll interval when idle (default: 500 ms). */
  pollMs?: number;
  /**
   * Asked before each claim: while it is busy, this lane claims at most once per its `maxYieldMs`,
   * at most `busyClaim` jobs at a time, and runs at most `busyWidth` at once (intake first under a flood).
   */
  gate?: ClaimGate;
  /**
   * A cap per channel (deliveries): the lane claims at most `slots.room()` jobs at once, asks its claim
   * to leave out the full channels (`skipChannels`: `claimDeliveries` honours it), counts what it
   * claims, gives each job's room back when it ends, and claims again when a full channel frees one.
   */
  slots?: ChannelSlots;
  onJobDone?: (job: Job, outcome: 'done' | 'retry' | 'failed', ms: number) => void;
  /**
   * Called when this lane gives up a job after its handler threw (not when the handler gave up
   * itself and returned): what the handler would have cleaned up (deliveries: their messages).
   * Its errors are logged; a crash before it runs is covered by the caller's own check at start.
   */
  onGivenUp?: (job: Job) => Promise<unknown>;
}

/** What a job's writer uses of its lane to start the job itself (`Worker.reserve`, `adopt`, `unreserve`). */
export type LaneHandOff = Pick<Worker, 'reserve' | 'adopt' | 'unreserve'>;

/** The job worker of one process. */
export class Worker {
  private readonly id: string;
  private readonly leaseMs: number;
  /** The kinds this worker has handlers for: its lane. A kind it does not know waits for a worker that does (e.g. a newer node). */
  private readonly kinds: readonly string[];
  private readonly held = new Set<string>();
  private renewTimer: NodeJS.Timeout | null = null;
  private inflight = 0;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private again = false;
  /** The last claim may have left runnable jobs behind (all slots were taken): claim again when one frees. */
  private backlog = false;
  /** When this lane last claimed, and whether it waits for its gate to calm down. */
  private lastClaimAt = -Infinity;
  private yielding = false;
  private idle: (() => void)[] = [];
  /** Room taken for jobs being written as started (`reserve`), neither running here yet (`adopt`) nor given back (`unreserve`). */
  private reserved = 0;

  constructor(
    private readonly db: Database,
    private readonly handlers: Record<string, JobHandler>,
    private readonly log: Logger,
    private readonly opts: WorkerOptions,
  ) {
    this.id = opts.id ?? `w-${Math.random().toString(36).slice(2, 10)}`;
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.kinds = Object.keys(handlers);
  }

  /** Starts polling, after returning to the queue what a previous life of this process left running. */
  async start(): Promise<void> {
    if (this.running || this.opts.concurrency === 0) return;
    const released = await releaseOwnJobs(this.db, this.id);
    if (released) this.log.info({ released, worker: this.id }, 'jobs of a previous run of this process released');
    this.running = true;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    this.wake();
  }

  /** Stops claiming and waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.inflight > 0) await new Promise<void>((r) => this.idle.push(r));
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** Extends the leases of the jobs running here; a job whose lease was lost is logged (another worker may run it). */
  private async renew(): Promise<void> {
    const ids = [...this.held];
    if (!ids.length) return;
    try {
      // Relaxed commit: a renewal lost in a database crash leaves a lease still valid for two more renewals.
      const kept = new Set(await renewLeases(this.db.relaxed, this.id, ids, this.leaseMs));
      for (const id of ids) if (!kept.has(id) && this.held.has(id)) this.log.warn({ jobId: id, worker: this.id }, 'job lease lost');
    } catch (err) {
      if (this.running) this.log.warn({ err }, 'job lease renewal failed');
    }
  }

  /** True when this worker runs jobs of `kind` (its lane). */
  handles(kind: string): boolean {
    return this.kinds.includes(kind);
  }

  /**
   * Takes room in this lane for one job of `channel` that its writer is about to write as started
   * (`NewJob.startBy`), so that the lane runs it without claiming it (`adopt`); null when the lane
   * does not run here or has no room (the job is then written pending and claimed as usual). Room
   * kept while a claim is on its way (its size and full channels were computed before it) can put
   * the lane over its width, or a channel over its cap, by at most the room kept meanwhile; every
   * job is counted (`ChannelSlots.taken`), so the lane then claims nothing more of that channel
   * until enough of its jobs end. Every reservation ends in `adopt` or `unreserve`.
   */
  reserve(channel: string): { workerId: string; leaseMs: number } | null {
    if (!this.running || this.width(this.opts.gate?.busy() ?? false) - this.inflight - this.reserved <= 0) return null;
    if (this.opts.slots && !this.opts.slots.take(channel)) return null;
    this.reserved++;
    return { workerId: this.id, leaseMs: this.leaseMs };
  }

  /** Runs a job its writer wrote as started under a reservation (`reserve`, for the job's channel). */
  adopt(job: Job): void {
    this.reserved--;
    if (this.running) return void this.run(job);
    // Stopped meanwhile: its lease runs out (or this process's next start releases it) and it is claimed then.
    this.opts.slots?.release(job);
  }

  /** Gives back a reservation whose job was written pending, or not written at all (its transaction failed). */
  unreserve(channel: string): void {
    this.reserved--;
    const freed = this.opts.slots?.give(channel) ?? false;
    if (freed || this.backlog) this.wake();
  }

  /** How many jobs this lane runs at once: fewer under a flood (`flood`: its gate is busy) when the gate narrows it. */
  private width(flood: boolean): number {
    const narrowed = flood ? this.opts.gate?.busyWidth : undefined;
    return narrowed === undefined ? this.opts.concurrency : Math.min(this.opts.concurrency, narrowed);
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
        const gate = this.opts.gate;
        const flood = gate?.busy() ?? false;
        const slots = this.width(flood) - this.inflight - this.reserved;
        if (slots <= 0) this.backlog = true;
        if (slots <= 0 || !this.running || this.holdBack()) break;
        // Under a flood a wide lane takes a gate's share, not its whole width; no channel goes over its cap.
        const free = Math.min(flood && gate ? gate.busyClaim : slots, slots, this.opts.slots?.room() ?? Infinity);
        if (free <= 0) break;
        this.lastClaimAt = performance.now();
        let jobs: Job[] = [];
        try {
          // Relaxed commit: a claim lost in a database crash leaves its job claimable again (every
          // handler's own write is durable, and a durable commit also flushes the claims before it).
          jobs = await (this.opts.claim ?? claimJobs)(this.db.relaxed, this.id, free, this.leaseMs, this.kinds, this.opts.slots?.full());
        } catch (err) {
          if (this.running) this.log.error({ err }, 'job claim failed');
          break;
        }
        this.opts.slots?.taken(jobs);
        for (const job of jobs) void this.run(job);
        this.backlog = jobs.length === free;
        if (this.backlog) this.again = true;
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

  /** True when the gate says to wait: a wake-up is then due when it calms down or the longest wait is over. */
  private holdBack(): boolean {
    const gate = this.opts.gate;
    if (!gate?.busy()) return false;
    const wait = this.lastClaimAt + gate.maxYieldMs - performance.now();
    if (wait <= 0) return false;
    if (!this.yielding) {
      this.yielding = true;
      void gate.calm(wait).then(() => {
        this.yielding = false;
        this.wake();
      });
    }
    return true;
  }

  private async run(job: Job): Promise<void> {
    this.inflight++;
    this.held.add(job.id);
    const started = performance.now();
    let outcome: 'done' | 'retry' | 'failed' = 'done';
    // A finished or failed job can unblock the next one of its ordering key: look for work then.
    let unblocked = false;
    try {
      const result = await this.handlers[job.kind](job);
      unblocked = result ? result.successor : await completeJob(this.db, job.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const end = err instanceof PermanentJobError ? 'now' : err instanceof RetryLaterError ? 'retry' : 'final';
      const delay = err instanceof RetryLaterError ? err.delayMs : backoffMs(job.attempts);
      try {
        outcome = await failJob(this.db, job, message, delay, end);
        unblocked = outcome === 'failed';
      } catch (failErr) {
        outcome = 'retry'; // the lease expires and the job is claimed again
        this.log.error({ err: failErr, jobId: job.id }, 'could not record job failure');
      }
      const level = outcome === 'failed' ? 'error' : 'warn';
      this.log[level]({ jobId: job.id, kind: job.kind, attempts: job.attempts, err: message }, `job ${outcome}`);
      if (outcome === 'failed' && this.opts.onGivenUp)
        await this.opts.onGivenUp(job).catch((err: unknown) => this.log.error({ err, jobId: job.id }, 'clean-up of a given-up job failed'));
    } finally {
      this.held.delete(job.id);
      this.inflight--;
      // A channel that was full has room again: its jobs the last claim left behind can go.
      const freed = this.opts.slots?.release(job) ?? false;
      this.opts.onJobDone?.(job, outcome, performance.now() - started);
      if (this.inflight === 0) this.idle.splice(0).forEach((r) => r());
      // Only when work may be waiting: an idle lane otherwise learns of new jobs from wake() or its poll.
      if (this.backlog || unblocked || freed) this.wake();
    }
  }
}
