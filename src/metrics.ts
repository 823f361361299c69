/** Prometheus metrics (prom-client), one registry per app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from './db/database';
import { queueDepth } from './jobs/queue';

/** Intent label values beyond the trained intents before everything else counts as `other`. */
const MAX_EXTRA_INTENTS = 50;

/** The gateway's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = this.counter('cong1022_messages_in_total', 'Inbound citizen messages stored', ['channel']);
  readonly messagesOut = this.counter('cong1022_messages_out_total', 'Outbound messages by final delivery outcome', ['channel', 'outcome']);
  readonly deliveryFailures = this.counter('cong1022_delivery_failures_total', 'Provider calls that failed', ['channel', 'kind']);
  readonly webhooks = this.counter('cong1022_webhooks_total', 'Webhook requests by result', ['channel', 'result']);
  readonly webhookLatency = this.histogram(
    'cong1022_webhook_ack_seconds',
    'Time to store and acknowledge a webhook',
    ['channel'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  readonly intakeYields = this.counter(
    'cong1022_intake_yields_total',
    'Times the inbound lane held back its claims because webhooks arrived faster than they were acknowledged',
    [],
  );
  readonly jobLatency = this.histogram(
    'cong1022_job_seconds',
    'Job run time',
    ['kind', 'outcome'],
    [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
  );
  readonly deliveryLatency = this.histogram(
    'cong1022_delivery_seconds',
    'From queued to sent, per outbound message',
    ['channel'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  );
  private readonly decisions = this.counter('cong1022_bot_decisions_total', 'Bot decisions by intent and outcome', ['intent', 'outcome']);
  /** Bot decisions; the intent label is bounded (`intentLabel`). */
  readonly botDecisions = {
    inc: (labels: { intent: string; outcome: string }) =>
      this.decisions.inc({ intent: this.intentLabel(labels.intent), outcome: labels.outcome === 'silent' ? 'silent' : 'acted' }),
  };
  private known = new Set<string>(['none', 'nlu_fallback']);
  private readonly extra = new Set<string>();

  constructor(db: Database) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'cong1022_queue_depth',
      help: 'Jobs waiting or running',
      labelNames: ['kind', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await queueDepth(db)) this.set({ kind: row.kind, state: row.state }, row.count);
      },
    });
    new Counter({
      name: 'cong1022_db_statements_total',
      help: 'SQL statements sent to the database, BEGIN and COMMIT included (round trips)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(db.statements.count);
      },
    });
  }

  /** The intents the engine was trained on: always their own label value. */
  setKnownIntents(names: Iterable<string>): void {
    this.known = new Set(['none', 'nlu_fallback', ...names]);
  }

  /**
   * A label value from a bounded set: a known intent; else, for the first few intent-like names
   * (intents added by a retraining), the name; else `other`. An intent can come from a citizen's
   * quick-reply payload, and each new label value would be a new time series for ever.
   */
  private intentLabel(intent: string): string {
    if (this.known.has(intent) || this.extra.has(intent)) return intent;
    if (this.extra.size < MAX_EXTRA_INTENTS && /^[a-z][a-z0-9_]{0,47}$/.test(intent)) {
      this.extra.add(intent);
      return intent;
    }
    return 'other';
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
