/**
 * Group commit for small independent writes: a write submitted while earlier groups are being
 * written waits for one to finish and then goes with every write submitted meanwhile, in one
 * statement and one commit. Alone, a write goes at once: it waits only when the database is busy,
 * which is when a group saves the most.
 */
import { isTransientDbError } from './database';

/** How writes are grouped. */
export interface GroupWriteOptions<I> {
  /** Most writes in one group. */
  maxItems: number;
  /** With `maxSize`: a write's size (e.g. its bytes); a group's sizes add up to at most `maxSize`, or it is one write. */
  size?(item: I): number;
  maxSize?: number;
  /** Groups being written at once; a write submitted while all are busy waits for the next group (default: 1, group commit). */
  maxInFlight?: number;
  /**
   * True when a failed group should be written again one write at a time, so that one write the
   * database refuses fails alone (default: any failure but a transient one — the database down,
   * a deadlock to retry — which would fail each write as well).
   */
  isolate?(err: unknown): boolean;
}

interface Pending<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

/** Writes submitted one by one, written in groups by `write` (one result per item, in order). */
export class GroupWrite<I, O> {
  private readonly queue: Pending<I, O>[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: readonly I[]) => Promise<O[]>,
    private readonly opts: GroupWriteOptions<I>,
  ) {}

  /** Resolves with this item's result once the group it went with is committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < (this.opts.maxInFlight ?? 1) && this.queue.length > 0) {
      const group = this.queue.splice(0, this.groupLength());
      this.inFlight++;
      void this.run(group).finally(() => {
        this.inFlight--;
        this.next();
      });
    }
  }

  /** How many queued writes the next group takes: up to `maxItems`, within `maxSize`, at least one. */
  private groupLength(): number {
    const { maxItems, size, maxSize } = this.opts;
    if (!size || maxSize === undefined) return maxItems;
    let total = 0;
    let n = 0;
    while (n < Math.min(maxItems, this.queue.length)) {
      total += size(this.queue[n].item);
      if (n > 0 && total > maxSize) break;
      n++;
    }
    return n;
  }

  private async run(group: Pending<I, O>[]): Promise<void> {
    try {
      settle(group, await this.write(group.map((p) => p.item)));
    } catch (err) {
      if (group.length === 1 || !(this.opts.isolate ?? isRefusal)(err)) {
        for (const p of group) p.reject(err);
        return;
      }
      // One write the database refuses must not fail the others: each alone now.
      for (const p of group) {
        try {
          settle([p], await this.write([p.item]));
        } catch (own) {
          p.reject(own);
        }
      }
    }
  }
}

/** The default `isolate`: a failure that is not transient may be one write's alone. */
const isRefusal = (err: unknown): boolean => !isTransientDbError(err);

function settle<I, O>(group: Pending<I, O>[], results: O[]): void {
  if (results.length !== group.length) {
    const err = new Error(`group write returned ${results.length} results for ${group.length} writes`);
    for (const p of group) p.reject(err);
    return;
  }
  group.forEach((p, i) => p.resolve(results[i]));
}
