/**
 * The NLU seam: every engine (built-in, Rasa) returns Rasa's parse-result shape.
 * https://rasa.com/docs/rasa/pages/http-api#operation/parseModelMessage
 */

/** An entity found in the text (Rasa format). */
export interface Entity {
  entity: string;
  value: string;
  start: number;
  end: number;
  extractor: string;
  confidence_entity?: number;
}

/** One intent with its confidence. */
export interface IntentScore {
  name: string;
  confidence: number;
}

/** The Rasa-format parse result of one message. */
export interface ParseResult {
  text: string;
  intent: IntentScore;
  intent_ranking: IntentScore[];
  entities: Entity[];
  /**
   * Set only when one message asks for two or more distinct things ("làm căn cước, với lại đăng ký
   * tạm trú ở đâu"): the intent of each request, in the order asked (an extension of Rasa's shape).
   */
  requests?: IntentScore[];
  /**
   * Set only with `nlu_fallback` when the engine declined because its two best intents were too
   * close to choose: those two, for a "which one?" (an extension of Rasa's shape).
   */
  ambiguous?: IntentScore[];
}

/** Training input: the content of a Rasa NLU YAML file. */
export interface TrainingData {
  intents: { name: string; examples: string[] }[];
  /** Canonical value → variants (Rasa `synonym:` blocks). */
  synonyms: { value: string; variants: string[] }[];
  /** Named regexes (Rasa `regex:` blocks). */
  regexes: { name: string; patterns: string[] }[];
}

/** An intent engine. `parse` must never throw: on trouble it returns `nlu_fallback`. */
export interface NluEngine {
  readonly name: string;
  /**
   * (Re)train from training data; replaces the live model atomically when done. Rejects with
   * `TrainingAbandoned`, the live model unchanged, when the training was abandoned before its end.
   */
  train(data: TrainingData): Promise<void>;
  /**
   * Abandons the training in progress, if any (the gateway is stopping): it ends at its next pause,
   * its `train` rejects with `TrainingAbandoned`, and the live model stays. Engines that train in
   * this process have it.
   */
  abandonTraining?(): void;
  parse(text: string): Promise<ParseResult>;
  /**
   * Engines whose model lives in this process (the built-in one) can hand it to other nodes:
   * `modelFormat` names the code and settings a model must come from to be loaded here.
   */
  readonly modelFormat?: string;
  /** The live model as bytes (see `modelFormat`); throws before the first training. */
  exportModel?(): Buffer;
  /** Makes an exported model live instead of training; throws, keeping the live model, when it is corrupt or of another format. */
  loadModel?(bytes: Uint8Array): void;
}

/** A training that ended before its model went live: a newer training began, or it was abandoned. */
export class TrainingAbandoned extends Error {
  constructor() {
    super('intent training abandoned: a newer training began, or the engine was asked to stop');
    this.name = 'TrainingAbandoned';
  }
}

/** The intent name used when the engine is not sure enough. */
export const FALLBACK_INTENT = 'nlu_fallback';

/**
 * The training intent of messages the hotline does not answer by itself (chit-chat, ads, procedures
 * outside the catalog: Rasa's `out_of_scope` convention). It is never an answer: engines read it as
 * `nlu_fallback`, and the built-in one trains it into its hidden background class.
 */
export const OUT_OF_SCOPE_INTENT = 'out_of_scope';

/** The answer a trained intent stands for: `out_of_scope` is handed over (`nlu_fallback`), any other is itself. */
export function answerOf(intent: string): string {
  return intent === OUT_OF_SCOPE_INTENT ? FALLBACK_INTENT : intent;
}
