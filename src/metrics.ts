/** Prometheus metrics (prom-client), one registry per app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from './db/database';
import { queueDepth } from './jobs/queue';

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
  readonly botDecisions = this.counter('cong1022_bot_decisions_total', 'Bot decisions by intent and outcome', ['intent', 'outcome']);

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
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
