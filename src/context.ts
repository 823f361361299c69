/** Everything the pipeline, the API and the worker share, built once by `createGateway`. */
import type { BotDefinition } from './bot/definition';
import type { KnowledgeView } from './bot/policy';
import type { ChannelRegistry } from './channels/registry';
import type { Config } from './config';
import type { Database } from './db/database';
import type { Leadership } from './db/locks';
import type { IntakePressure } from './jobs/intake-pressure';
import type { LaneHandOff } from './jobs/worker';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { NluEngine, TrainingData } from './nlu/types';
import type { Bus } from './realtime/bus';
import type { BlobStore } from './store/blob-store';
import type { RawInbound } from './pipeline/intake';
import type { InboundUnit, WrittenInbound } from './pipeline/process-inbound';
import type { SentRecord } from './store/deliveries';

/** Delivery tuning (defaults suit production; tests shorten them). */
export interface DeliveryOptions {
  /** How long a reply is retried before it is marked failed (default: DELIVERY_GIVE_UP_HOURS, 24 h). */
  giveUpAfterMs: number;
  /** First retry delay; doubles each attempt, with jitter (default: 1000 ms). */
  backoffBaseMs: number;
  /** Longest retry delay, so that a provider that is back is used again soon (default: 60 s). */
  backoffCapMs: number;
}

/** The shared services of one gateway instance. */
export interface AppContext {
  config: Config;
  db: Database;
  log: Logger;
  metrics: Metrics;
  bus: Bus;
  channels: ChannelRegistry;
  nlu: NluEngine;
  /** Synonyms and regexes of the bot's nlu.yml; retraining merges them with the live phrases. */
  fileTraining: TrainingData;
  knowledge: KnowledgeView & { reload(): Promise<void> };
  bot: BotDefinition;
  blobs: BlobStore;
  /** Roles run by one node of the cluster at a time (every role here on PGlite). */
  leadership: Leadership;
  delivery: DeliveryOptions;
  /** Webhooks being stored in this process: the inbound lane yields to them under a flood (`INTAKE_PRIORITY_MS`). */
  intake: IntakePressure;
  /** Stores a raw inbound item with its processing job, grouped with the items arriving meanwhile (`inboundIntake`); false for a replay. */
  storeInbound(item: RawInbound): Promise<boolean>;
  /** Processes and writes a citizen's message in one transaction with the others of this process meanwhile (`inboundWriter`); null when already stored. */
  writeInbound(unit: InboundUnit): Promise<WrittenInbound | null>;
  /** Records a message delivered, grouped with the other deliveries of this process finishing meanwhile (`sentRecorder`). */
  recordSent(s: SentRecord): Promise<{ successor: boolean }>;
  /** Wakes the job workers after work was enqueued in this process: only the lane of `kind` when given. */
  wake(kind?: string): void;
  /** This process's delivery lane, which runs the deliveries its writers start (`Worker.reserve`); null before the lanes are made. */
  deliveryLane: LaneHandOff | null;
  /** Key encrypting secrets at rest (TOTP seeds): SECRETS_KEY, or the one generated under DATA_DIR. */
  secretsKey: Buffer;
}
