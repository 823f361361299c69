/** Prometheus metrics (prom-client), one registry per app instance. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from './db/database';
import { queueDepth } from './jobs/queue';

/** The gateway's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({
    name: 'cong1022_messages_in_total',
    help: 'Inbound citizen messages stored',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'cong1022_messages_out_total',
    help: 'Outbound messages by final delivery outcome',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'cong1022_delivery_failures_total',
    help: 'Provider calls that failed',
    labelNames: ['channel', 'kind'],
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: 'cong1022_webhooks_total',
    help: 'Webhook requests by result',
    labelNames: ['channel', 'result'],
    registers: [this.registry],
  });
  readonly webhookLatency = new Histogram({
    name: 'cong1022_webhook_ack_seconds',
    help: 'Time to store and acknowledge a webhook',
    labelNames: ['channel'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly jobLatency = new Histogram({
    name: 'cong1022_job_seconds',
    help: 'Job run time',
    labelNames: ['kind', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'cong1022_delivery_seconds',
    help: 'From queued to sent, per outbound message',
    labelNames: ['channel'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly botDecisions = new Counter({
    name: 'cong1022_bot_decisions_total',
    help: 'Bot decisions by intent and outcome',
    labelNames: ['intent', 'outcome'],
    registers: [this.registry],
  });

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
}
