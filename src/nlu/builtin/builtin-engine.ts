/**
 * The built-in Vietnamese intent engine: normalized features → softmax regression →
 * temperature-calibrated confidences → Rasa FallbackClassifier rules, with two guards of its own:
 * a hidden out-of-domain class (chit-chat) and a nearest-example check (below a confidence, the
 * closest training example must agree). Emergencies are answered from a lower confidence: a
 * missed fire costs more than a needless "call 114".
 * https://rasa.com/docs/rasa/components#fallbackclassifier
 *
 * Long messages are classified without their greeting, thanks and apology clauses, and a message
 * asking for two distinct things lists both in `requests` (see `segments.ts`).
 *
 * Training runs in slices that yield to the event loop, so the live model keeps answering while
 * a new one is trained; the new model replaces it in one assignment when it is complete.
 */
import { extractEntities } from '../entities';
import { dangerHappeningNow, mayMeanPresentDanger, notAPresentDanger, type NotPresentKind } from '../present-danger';
import {
  answerOf,
  FALLBACK_INTENT,
  TrainingAbandoned,
  type Entity,
  type IntentScore,
  type NluEngine,
  type ParseResult,
  type TrainingData,
} from '../types';
import { augmentWithOpenersAndClosers, type LabelledExample } from './augment';
import { BACKGROUND_EXAMPLES } from './background-examples';
import { fitTemperature } from './calibrate';
import { doneClauses } from './done-clauses';
import { Featurizer, type FeaturizerOptions, type MessageFeatures, type NamedFeatures } from './featurizer';
import { seededRandom } from '../../seeded-random';
import { softmax, SoftmaxRegression, type SparseVector } from './softmax-regression';
import { Speller } from './speller';
import { NearestNeighbors } from './nearest-neighbors';
import { clauses, conjoinedHalves, requestPart, requestSentences, runAt } from './segments';
import { createHash } from 'node:crypto';
import { LexiconMatcher } from './lexicon';
import { decodeModel, encodeModel, ModelRefusedError, MODEL_CODEC_VERSION, nluCodeStamp, type ModelClasses } from './model-codec';

/** Settings of the built-in engine. */
export interface BuiltinEngineOptions {
  /** Below this top confidence the answer is nlu_fallback (default: 0.5). */
  threshold?: number;
  /** Below this gap between the two best intents the answer is nlu_fallback (default: 0.1). */
  ambiguityThreshold?: number;
  /**
   * The gap required instead when more than `longWords` words were classified (default: 0.3): a long
   * message's story pulls toward a neighbouring procedure, so a thin lead there is a "which one?".
   * Fitted on cross-validation and the dev set: each wrong answer it turns into a question costs one
   * or two right answers asked about too; the right intent was among the two offered every time.
   */
  longAmbiguityThreshold?: number;
  /** Words (of the classified part) from which `longAmbiguityThreshold` applies (default: 12). */
  longWords?: number;
  /**
   * Intents for which a miss costs more than a false alarm (default: the 113/114/115 emergencies):
   * they are answered from `urgentThreshold` on, and a close second that is also urgent is no reason to fall back.
   */
  urgentIntents?: string[];
  /** Confidence from which an urgent intent is answered (default: 0.3). */
  urgentThreshold?: number;
  /**
   * Below this confidence, the nearest training example must carry the same intent, or the answer
   * is nlu_fallback (default: 0.7; 0 disables the check). Urgent intents are exempt.
   */
  agreementThreshold?: number;
  /** Share of a message's content words that must be known from training (default: 0.25). */
  minCoverage?: number;
  /**
   * Read a message that tells some procedure as done ("làm khai tử xong rồi", "có VNeID rồi") once
   * more without those clauses: when that reading names another intent, the story is what decided,
   * and the answer is a "which one?" between the two (default: true).
   */
  doneStories?: boolean;
  /**
   * With `doneStories`: confidence from which the reading without the done clauses answers on its
   * own instead of asking (default: 0.9; 0.8 already adds wrong answers on the dev set and in
   * cross-validation).
   */
  doneAloneThreshold?: number;
  /** Train the hidden out-of-domain class on built-in chit-chat (default: true). */
  background?: boolean;
  /** Glue greetings and thanks onto other intents' examples while training (default: true). */
  augment?: boolean;
  /** Share of examples held out to fit the temperature (default: 0.2; 0 disables calibration). */
  calibrationShare?: number;
  /** Passes over the data (default: 6). */
  epochs?: number;
  /** With calibration, further passes over all the data, as a share of `epochs` (default: 0.5). */
  continueShare?: number;
  /** AdaGrad learning rate (default: 0.15). */
  learningRate?: number;
  /**
   * L2 penalty (default: 1e-3; 1e-4 until the citizens' messages joined the training data, when the
   * stronger penalty gave fewer confident mistakes on cross-validation, the dev set and the untouched
   * batches alike: docs/nlu-eval.md, "Fourteenth round").
   */
  l2?: number;
  /** Longest text classified, in characters; longer texts keep their head and tail (default: 1000). */
  maxChars?: number;
  /** Feature settings (default: the shipped ones). */
  features?: FeaturizerOptions;
}

/** What the classifier saw in a message, before the fallback rules (for evaluation and debugging). */
export interface ScoreDetails {
  /** Every trained intent, best first (the hidden background class excluded). */
  ranking: IntentScore[];
  /** Probability of the hidden out-of-domain class. */
  background: number;
  /** Words of the message (normalized). */
  words: number;
  /** Of which content words (not function words). */
  contentWords: number;
  /** Of which seen in the training examples. */
  knownWords: number;
  entities: Entity[];
  /**
   * The closest training examples' intents (5), with cosine similarity as `confidence`; looked up
   * only when the top confidence is below `agreementThreshold` (empty otherwise).
   */
  neighbors: IntentScore[];
  /** For a message of several sentences, the closest examples to the whole message (the others are the question's). */
  wholeNeighbors?: IntentScore[];
  /** What was classified: the message without its greetings, thanks and apologies. */
  core: string;
  /** The sentences that ask or request something (the last four), greetings and thanks left out. */
  requestSentences: string[];
  /** Calls for rescue ("tới cứu giùm", "cứu với") beside a danger (someone hurt, trapped, attacked). */
  rescue: boolean;
  /** Names a danger to people (a word class of someone hurt, trapped or attacked, not denied). */
  danger: boolean;
  /** Names a crime (the `toi_pham` word class) and no sentence asks or requests anything. */
  crimeTold: boolean;
  /** Names a procedure outside the catalog (an adoption), not to set it aside. */
  outOfCatalog: boolean;
  /** Says it gives feedback ("góp ý", "kiến nghị", "đề xuất", "phản ánh", "khó xài"…: the `gop_y` word class, not denied, and one of `FEEDBACK_WORDS`). */
  feedback: boolean;
  /** The neighbour of the top intent that the paper the message names points to (`namedNeighbour`). */
  neighbour?: string;
  /** Places a dossier in another province ("hồ sơ nộp ở Bình Dương"): its status is not the hotline's to tell. */
  elsewhere: boolean;
  /** Thanks ("cảm ơn", "cám ơn") in a clause of its own, and no sentence that asks or requests anything. */
  onlyThanks: boolean;
  /** Nothing but greetings, thanks and plans for later ("cảm ơn con nghen, để mai chú lên xã làm", "tuyệt vời, cảm ơn"). */
  onlyPlans: boolean;
  /** Takes leave ("tui đi đây", "hẹn gặp lại") and says nothing but greetings, thanks or plans besides. */
  leaving: boolean;
  /** Only greeting clauses ("chào buổi chiều", "chào cán bộ"), no thanks: the message greets and says nothing else. */
  onlyGreeting: boolean;
  /** Says "cảm ơn" / "cám ơn" anywhere. */
  thanked: boolean;
  /**
   * When the message tells some procedure as done ("làm khai tử xong rồi"): the best intent of the
   * message read without those clauses (`nlu_fallback` when the out-of-domain class wins there),
   * and that text (the done clauses blanked).
   */
  withoutDone?: IntentScore & { rest: string };
}

/**
 * A score whose nearest-example lookups run only when a fallback rule reads them: most messages
 * are decided without them, and they are a large share of a parse's time.
 */
type LazyScore = Omit<ScoreDetails, 'neighbors' | 'wholeNeighbors' | 'elsewhere'> & {
  neighbors: () => IntentScore[];
  wholeNeighbors?: () => IntentScore[];
  /** Asked only of a status question. */
  elsewhere: () => boolean;
  /** Asked only when an emergency leads or is called for: why the message tells no danger going on (`notAPresentDanger`). */
  notPresent: () => NotPresentKind | null;
  /** Asked only when an emergency trails close behind: a word that may mean someone in danger now (`mayMeanPresentDanger`). */
  dangerNow: () => boolean;
  /** Asked only when a danger is named and an emergency trails: the danger told as happening right now (`dangerHappeningNow`). */
  happening: () => boolean;
};

/** Confidence from which one sentence's intent counts as a request of its own. */
const REQUEST_CONFIDENCE = 0.7;
/** A request part this short may be too little to classify alone (words). */
const SHORT_CORE_WORDS = 10;
/** A request's intent must be among this many best of the whole message. */
const REQUEST_RANK = 3;
/** Confidence each half of a sentence that joins two requests needs ("làm ở ủy ban xã" alone says little). */
const JOINED_CONFIDENCE = 0.9;
/** Ways to file or pay for some procedure: "nộp qua mạng được không và bao lâu có giấy" asks one procedure. */
const CHANNELS = new Set(['tt_nop_ho_so_truc_tuyen', 'tt_thanh_toan_truc_tuyen', 'tt_buu_chinh_cong_ich']);
/** Most requests listed for one message. */
const MAX_REQUESTS = 3;

/** Word classes (lexicon) of a danger to people: with a call for rescue, the message is an emergency. */
const DANGER_CLASSES = new Set(['y_te_khan', 'chay_no_cuu_nan', 'toi_pham']);
/** Words after "cứu" that make it a call for rescue ("cứu giùm", "cứu với", "cứu người"). */
const RESCUE_AFTER = new Set(['gium', 'dum', 'giup', 'voi', 'tui', 'em', 'toi', 'nguoi', 'mang']);
/** Words before "cứu" that make it one ("tới cứu", "đến cứu", "kêu cứu"). */
const RESCUE_BEFORE = new Set(['toi', 'den', 'keu', 'goi']);
/** Fewest confidence of an emergency among the three best that, beside a word of present danger, makes a report's or procedure's answer a handover. */
const DANGER_NEAR = 0.05;

/** Urgent intents this far down the ranking may still be picked for a call for rescue. */
const RESCUE_RANK = 5;

/**
 * Word classes of procedures outside the catalog that a catalog procedure resembles ("nhận … làm
 * con nuôi" is not "nhận con"; "chích ngừa" is no health-insurance card): named (not denied), no procedure of the catalog is the answer. (A
 * dispute is not one: "đất đang tranh chấp có cấp sổ được không" asks about a procedure.)
 */
const OUT_OF_CATALOG_CLASSES = new Set(['con_nuoi', 'pccc', 'tiem_chung']);

/** "cảm ơn" / "cám ơn" among folded words. */
const saysThanks = (words: readonly string[]): boolean => words.some((w, i) => w === 'cam' && words[i + 1] === 'on');

/** `f`, computed on its first call only (a check the decision may ask for more than once). */
function once<T>(f: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: f() }).v;
}

/** Folded phrases as word lists. */
const phrases = (list: string[]): string[][] => list.map((p) => p.split(' '));

/**
 * Provinces other than Đồng Tháp (and former Tiền Giang), folded, by their names before and after the
 * 2025 mergers; names a commune of Đồng Tháp also bears (Hòa Bình, Phú Thọ, Thanh Hòa…) left out.
 */
const OTHER_PROVINCES = phrases([
  'an giang',
  'ba ria',
  'vung tau',
  'bac lieu',
  'bac giang',
  'bac kan',
  'bac ninh',
  'ben tre',
  'binh dinh',
  'binh duong',
  'binh phuoc',
  'binh thuan',
  'ca mau',
  'can tho',
  'cao bang',
  'da nang',
  'dak lak',
  'dak nong',
  'dien bien',
  'dong nai',
  'gia lai',
  'ha giang',
  'ha nam',
  'ha noi',
  'ha tinh',
  'hai duong',
  'hai phong',
  'hau giang',
  'hung yen',
  'khanh hoa',
  'kien giang',
  'kon tum',
  'lai chau',
  'lam dong',
  'lang son',
  'lao cai',
  'long an',
  'nam dinh',
  'nghe an',
  'ninh thuan',
  'phu yen',
  'quang binh',
  'quang nam',
  'quang ngai',
  'quang ninh',
  'quang tri',
  'soc trang',
  'son la',
  'tay ninh',
  'thai binh',
  'thai nguyen',
  'tra vinh',
  'tuyen quang',
  'vinh long',
  'vinh phuc',
  'yen bai',
  'sai gon',
  'ho chi minh',
  'hcm',
]);
/** Words right before a province that place a dossier there ("nộp ở Vĩnh Long", "hồ sơ đất bên Long An"). */
const PLACED_AT = new Set(['o', 'tai', 'ben', 'tren', 'duoi']);
/** How far before the province the dossier or its filing is named (words). */
const FILED_SPAN = 6;
/** The status of a dossier: the intent that cannot answer for a file another province holds. */
const DOSSIER_STATUS = 'tra_cuu_ho_so';
/** Feedback and proposals to the authorities. */
const FEEDBACK_INTENT = 'phan_anh_kien_nghi';
/**
 * Words (folded) of the `gop_y` class that say the message is feedback; not "đề nghị" or "mong
 * muốn", which also open a plain request in formal writing ("đề nghị cấp lại giấy phép lái xe").
 */
const FEEDBACK_WORDS = phrases([
  'gop y',
  'kien nghi',
  'de xuat',
  'phan anh',
  'y kien',
  'buc xuc',
  'khong hai long',
  'kho xai',
  'kho dung',
  'bat tien',
  'ruom ra',
  'phien ha',
  'cai thien',
  'nen sua',
  'mong sua',
]);

/**
 * A dossier filed in another province ("hs … e nộp ở Vĩnh Long", "hồ sơ đất bên Long An"): "nộp",
 * "hồ sơ" or "hs" at most six words before "ở / tại / bên / trên / dưới" and a province other than Đồng
 * Tháp. `words` are folded.
 */
export function filedElsewhere(words: readonly string[]): boolean {
  return words.some((w, i) => {
    if (!PLACED_AT.has(w)) return false;
    const named = OTHER_PROVINCES.some((p) => runAt(words, i + 1, p));
    if (!named) return false;
    const before = words.slice(Math.max(0, i - FILED_SPAN), i);
    return before.some((b, k) => b === 'nop' || b === 'hs' || (b === 'ho' && before[k + 1] === 'so'));
  });
}

/**
 * Neighbours told apart by the paper a message names: when `read` leads the ranking, the message
 * names one of `names` and none of `unless`, and `asked` is among the ranking's three best, the
 * bot asks which of the two ("cái bằng cấp ba … xin lại bản sao" is read as a civil-status copy;
 * "giấy bán xe có xác nhận chữ ký" as a vehicle registration). Phrases are folded.
 */
interface NamedNeighbour {
  read: ReadonlySet<string>;
  asked: string;
  names: string[][];
  unless: string[][];
}
const NAMED_NEIGHBOURS: readonly NamedNeighbour[] = [
  {
    read: new Set(['tt_trich_luc_ho_tich', 'tt_cai_chinh_ho_tich']),
    asked: 'tt_ban_sao_van_bang',
    names: phrases([
      'bang cap',
      'bang tot nghiep',
      'van bang',
      'hoc ba',
      'bang dai hoc',
      'bang cu nhan',
      'bang thpt',
      'bang thcs',
      'chung chi',
    ]),
    unless: phrases(['khai sinh', 'ket hon', 'khai tu', 'hon thu', 'chung tu', 'trich luc', 'ho tich']),
  },
  { read: new Set(['tt_dang_ky_xe']), asked: 'tt_chung_thuc_chu_ky', names: phrases(['chu ki', 'ki ten']), unless: [] },
];

function hasPhrase(words: readonly string[], list: readonly (readonly string[])[]): boolean {
  return words.some((_, i) => list.some((p) => runAt(words, i, p)));
}

/** The neighbour a message's named paper points to, when `top` is the other one of a pair (undefined otherwise). */
export function namedNeighbour(words: readonly string[], top: string): string | undefined {
  const n = NAMED_NEIGHBOURS.find((x) => x.read.has(top));
  return n && hasPhrase(words, n.names) && !hasPhrase(words, n.unless) ? n.asked : undefined;
}

/** The word classes (lexicon) found in a message, denied ones as `neg_<class>`. */
function wordClasses(features: NamedFeatures): string[] {
  const classes = features.groups.find((g) => g.group === 'x');
  return classes?.counts ? [...classes.counts.keys()] : [];
}

/** A call for rescue among `words` (folded), and a danger among the message's word classes. */
function callsForRescue(words: string[], classes: string[]): boolean {
  const called = words.some((w, i) => w === 'cuu' && (RESCUE_AFTER.has(words[i + 1]) || RESCUE_BEFORE.has(words[i - 1])));
  return called && classes.some((c) => DANGER_CLASSES.has(c));
}

/** The indexes of the largest and second-largest of `probs` (-1 where there is none). */
function topTwo(probs: Float64Array): [number, number] {
  let best = -1;
  let second = -1;
  probs.forEach((p, i) => {
    if (best < 0 || p > probs[best]) {
      second = best;
      best = i;
    } else if (second < 0 || p > probs[second]) second = i;
  });
  return [best, second];
}

/** How many real intents `intent_ranking` lists (as Rasa's LABEL_RANKING_LENGTH). */
const RANKING_LENGTH = 10;
/** Chance that a training example is shown without its accents in an epoch. */
const ACCENT_DROPOUT = 0.35;
/** Longest text searched for entities (regexes on megabytes of text are a denial of service). */
const MAX_ENTITY_CHARS = 10_000;
/** The thank-you and goodbye intent. */
const THANKS_INTENT = 'cam_on_tam_biet';
/** The greeting intent. */
const GREETING_INTENT = 'chao_hoi';
/** Intents whose examples are mostly words that also wrap other messages. */
const SMALL_TALK = new Set(['chao_hoi', 'cam_on_tam_biet']);
/** Training hands the event loop back at least this often (ms). */
const SLICE_MS = 15;
/** Words too common to show a message is about public services. */
const FUNCTION_WORDS = new Set(
  'a ad admin anh chi em toi minh ban cho hoi xin vui long giup voi la thi ma co khong duoc gi sao vay nha nhi a ha o de va cua nay do roi thi can lam nhu the nao bao nhieu'.split(
    ' ',
  ),
);

interface Model {
  featurizer: Featurizer;
  vocabulary: Map<string, number>;
  labels: string[];
  backgroundIndex: number;
  regression: SoftmaxRegression;
  temperature: number;
  knownWords: Set<string>;
  neighbors: NearestNeighbors;
}

/** Every field of `Model`: a loaded model must have them all (the compiler keeps this list complete). */
const MODEL_KEYS: Record<keyof Model, true> = {
  featurizer: true,
  vocabulary: true,
  labels: true,
  backgroundIndex: true,
  regression: true,
  temperature: true,
  knownWords: true,
  neighbors: true,
};
/** The classes a model is made of, for export and load (a class missing here makes `exportModel` throw). */
export const MODEL_CLASSES: ModelClasses = { Featurizer, SoftmaxRegression, NearestNeighbors, Speller, LexiconMatcher };
/** Options read only when deciding on a parse, not when training: a model serves engines that differ in them. */
const DECISION_OPTIONS = new Set<string>([
  'threshold',
  'ambiguityThreshold',
  'longAmbiguityThreshold',
  'longWords',
  'urgentIntents',
  'urgentThreshold',
  'agreementThreshold',
  'minCoverage',
  'doneStories',
  'doneAloneThreshold',
]);
/** Texts a loaded model must get through before it goes live. */
const SMOKE_TEXTS = ['xin chào', 'làm căn cước công dân cần giấy tờ gì? nộp ở đâu', 'dangky khai sinh cho con 0912345678'];

/** A vocabulary split by feature group (key → index), with the vocabulary's size when it was split. */
interface GroupedVocabulary {
  size: number;
  groups: Map<string, Map<string, number>>;
}
const groupedVocabularies = new WeakMap<Map<string, number>, GroupedVocabulary>();

/** `vocabulary` by feature group, split once (again if it has grown since): parsing never builds feature names. */
function byGroup(vocabulary: Map<string, number>): Map<string, Map<string, number>> {
  let split = groupedVocabularies.get(vocabulary);
  if (!split || split.size !== vocabulary.size) {
    split = { size: vocabulary.size, groups: new Map() };
    for (const [name, i] of vocabulary) {
      const at = name.indexOf(':');
      const group = name.slice(0, at);
      const keys = split.groups.get(group) ?? new Map<string, number>();
      keys.set(name.slice(at + 1), i);
      split.groups.set(group, keys);
    }
    groupedVocabularies.set(vocabulary, split);
  }
  return split.groups;
}

function vectorize(features: NamedFeatures, vocabulary: Map<string, number>): SparseVector {
  const known = byGroup(vocabulary);
  let size = 0;
  for (const g of features.groups) size += g.known ? g.known.idx.length : g.counts.size;
  const idx = new Int32Array(size);
  const val = new Float32Array(size);
  let n = 0;
  for (const { group, counts, known: resolved, scale } of features.groups) {
    if (resolved) {
      // Extracted against this vocabulary: the known keys' indices, in order.
      for (let j = 0; j < resolved.idx.length; j++) {
        idx[n] = resolved.idx[j];
        val[n++] = resolved.counts[j] * scale;
      }
      continue;
    }
    const keys = known.get(group);
    if (!keys) continue;
    for (const [key, c] of counts) {
      const i = keys.get(key);
      if (i !== undefined) {
        idx[n] = i;
        val[n++] = c * scale;
      }
    }
  }
  return n === size ? { idx, val } : { idx: idx.subarray(0, n), val: val.subarray(0, n) };
}

/** The feature vector of `text` under `model`'s vocabulary; `nested`: one sentence of a message. */
function vectorOf(model: Model, text: string, nested: boolean): SparseVector {
  return vectorize(model.featurizer.extract(text, { nested, known: byGroup(model.vocabulary) }).full, model.vocabulary);
}

/**
 * Counts the examples of each feature, by group and key, in first-seen order; a feature's name
 * (`<group>:<key>`) is put together once, for the vocabulary, not at each example that has it.
 */
class FeatureCounts {
  private readonly byGroup = new Map<string, Map<string, { n: number; rank: number }>>();
  private seen = 0;

  add(features: NamedFeatures): void {
    for (const { group, counts } of features.groups) {
      if (!counts) throw new Error('features extracted against a vocabulary cannot be counted');
      let keys = this.byGroup.get(group);
      if (!keys) this.byGroup.set(group, (keys = new Map()));
      for (const key of counts.keys()) {
        const c = keys.get(key);
        if (c) c.n++;
        else keys.set(key, { n: 1, rank: this.seen++ });
      }
    }
  }

  /**
   * The vocabulary (feature name → index), the features of most examples first (ties in first-seen
   * order): the weights' rows that nearly every parse reads lie together and stay in the CPU's
   * caches. Only the layout changes: a vector's entries keep their order, so every sum is the same.
   */
  frequentFirst(): Map<string, number> {
    const names = new Array<string>(this.seen);
    const n = new Int32Array(this.seen);
    for (const [group, keys] of this.byGroup) {
      for (const [key, c] of keys) {
        names[c.rank] = `${group}:${key}`;
        n[c.rank] = c.n;
      }
    }
    const order = names.map((_, i) => i).sort((a, b) => n[b] - n[a] || a - b);
    return new Map(order.map((i, rank) => [names[i], rank]));
  }
}

/** A yield point for long loops: gives the event loop a turn when the current slice has run long enough. */
function slicer(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

/** Keeps the head and the tail of a long text (the question often comes after a long story). */
function clip(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars / 3);
  return `${text.slice(0, head)} ${text.slice(text.length - (maxChars - head))}`;
}

/** Splits examples into (kept, held) with about `share` of every intent held (at least one when it has 5+). */
function stratifiedSplit(examples: LabelledExample[], share: number, seed: number): [LabelledExample[], LabelledExample[]] {
  const rnd = seededRandom(seed);
  const byLabel = new Map<string, LabelledExample[]>();
  for (const e of examples) byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), e]);
  const kept: LabelledExample[] = [];
  const held: LabelledExample[] = [];
  for (const list of byLabel.values()) {
    const shuffled = [...list];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const n = list.length >= 5 ? Math.max(1, Math.round(list.length * share)) : 0;
    held.push(...shuffled.slice(0, n));
    kept.push(...shuffled.slice(n));
  }
  return [kept, held];
}

/** The built-in engine; `parse` answers nlu_fallback until the first training ends. */
export class BuiltinNluEngine implements NluEngine {
  readonly name = 'builtin';
  private model: Model | undefined;
  private generation = 0;
  private readonly opts: Required<BuiltinEngineOptions>;
  private readonly urgent: Set<string>;
  /** `modelFormat`, computed on first use (the options never change). */
  private format: string | undefined;

  constructor(opts: BuiltinEngineOptions = {}) {
    this.opts = {
      threshold: 0.5,
      ambiguityThreshold: 0.1,
      longAmbiguityThreshold: 0.3,
      longWords: 12,
      urgentIntents: ['khan_cap_113', 'khan_cap_114', 'khan_cap_115'],
      urgentThreshold: 0.3,
      agreementThreshold: 0.7,
      minCoverage: 0.25,
      doneStories: true,
      doneAloneThreshold: 0.9,
      background: true,
      augment: true,
      calibrationShare: 0.2,
      epochs: 6,
      continueShare: 0.5,
      learningRate: 0.15,
      l2: 1e-3,
      maxChars: 1000,
      features: {},
      ...opts,
    };
    this.urgent = new Set(this.opts.urgentIntents);
  }

  /** True once a model is live. */
  get trained(): boolean {
    return this.model !== undefined;
  }

  /** `builtin/<codec>/<hash>`: the hash covers the NLU code that runs here and the options that shape training. */
  get modelFormat(): string {
    if (!this.format) {
      const training = Object.entries(this.opts).filter(([key]) => !DECISION_OPTIONS.has(key));
      const hash = createHash('sha256').update(nluCodeStamp()).update(JSON.stringify(training)).digest('hex');
      this.format = `builtin/${MODEL_CODEC_VERSION}/${hash.slice(0, 24)}`;
    }
    return this.format;
  }

  /** The live model as bytes for `loadModel` on another node or at a later start; throws before the first training. */
  exportModel(): Buffer {
    if (!this.model) throw new Error('no model to export: the engine is not trained yet');
    return encodeModel(this.model, MODEL_CLASSES, this.modelFormat);
  }

  /**
   * Makes an exported model live (it replaces any training in progress, as a later training would).
   * Throws `ModelRefusedError`, keeping the live model, when the bytes are corrupt, come from other
   * engine code or settings, or do not make a working model.
   */
  loadModel(bytes: Uint8Array): void {
    const model = decodeModel(bytes, MODEL_CLASSES, this.modelFormat);
    this.checkModel(model);
    this.generation++;
    this.model = model;
  }

  /** Refuses a decoded value that is not a complete, consistent model that can classify. */
  private checkModel(value: unknown): asserts value is Model {
    const m = value as Partial<Model> | null;
    const missing = m && typeof m === 'object' ? Object.keys(MODEL_KEYS).filter((k) => !(k in m)) : ['everything'];
    if (missing.length > 0) throw new ModelRefusedError(`model lacks ${missing.join(', ')}`);
    const model = value as Model;
    const shaped =
      model.featurizer instanceof Featurizer &&
      model.regression instanceof SoftmaxRegression &&
      model.neighbors instanceof NearestNeighbors &&
      model.vocabulary instanceof Map &&
      model.knownWords instanceof Set &&
      Array.isArray(model.labels) &&
      model.regression.nClasses === model.labels.length &&
      model.regression.nFeatures === model.vocabulary.size &&
      model.regression.weights.length === model.vocabulary.size * model.labels.length;
    if (!shaped) throw new ModelRefusedError('model parts do not fit together');
    try {
      for (const text of SMOKE_TEXTS) {
        const f = model.featurizer.extract(text);
        const x = vectorize(f.full, model.vocabulary);
        if (!softmax(model.regression.logits(x), model.temperature).every(Number.isFinite)) throw new Error('non-finite scores');
        model.neighbors.query(x, 5);
      }
    } catch (err) {
      throw new ModelRefusedError(`model does not classify: ${(err as Error).message}`);
    }
  }

  /**
   * Trains a new model and swaps it in when done; the previous model answers meanwhile. When
   * trainings overlap, the one started last wins: the earlier one ends at its next pause (its
   * model could never go live) and rejects with `TrainingAbandoned`, as after `abandonTraining`.
   * Throws (keeping the live model) on unusable data.
   */
  async train(data: TrainingData): Promise<void> {
    const generation = ++this.generation;
    const pause = slicer();
    const abandoned = (): void => {
      if (generation !== this.generation) throw new TrainingAbandoned();
    };
    // Another task (a newer training, `abandonTraining`) can only run while this one awaits.
    const model = await this.fit(data, async () => {
      await pause();
      abandoned();
    });
    abandoned();
    this.model = model;
  }

  /** Abandons the training in progress, if any: it ends within a slice (15 ms of work); the live model stays. */
  abandonTraining(): void {
    this.generation++;
  }

  /**
   * Builds a model. With calibration, it first trains on ~80 % of every intent's examples, fits the
   * temperature on the rest, then goes on training (warm) on everything: one and a half passes of
   * work instead of two full trainings.
   */
  private async fit(data: TrainingData, pause: () => Promise<void>): Promise<Model> {
    const o = this.opts;
    const featurizer = new Featurizer(data, o.features);
    const examples: LabelledExample[] = data.intents.flatMap((i) =>
      i.examples.filter((text) => text.trim().length > 0).map((text) => ({ text, label: answerOf(i.name) })),
    );
    if (examples.length === 0) throw new Error('no training examples');
    const generated = o.augment ? augmentWithOpenersAndClosers(examples) : [];
    const background: LabelledExample[] = o.background ? BACKGROUND_EXAMPLES.map((text) => ({ text, label: FALLBACK_INTENT })) : [];
    const all = [...examples, ...generated, ...background];

    const labels = [...new Set(all.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const seen = new FeatureCounts();
    const knownWords = new Set<string>();
    const cache = new Map<string, MessageFeatures>();
    const views: MessageFeatures[] = [];
    const frequency = new Map<string, number>();
    for (const e of all) {
      let f = cache.get(e.text);
      if (!f) {
        cache.set(e.text, (f = featurizer.extract(clip(e.text, o.maxChars), { training: true })));
        if (e.label !== FALLBACK_INTENT) for (const w of f.source) frequency.set(w, (frequency.get(w) ?? 0) + 1);
      }
      seen.add(f.full);
      if (e.label !== FALLBACK_INTENT) for (const w of f.words) knownWords.add(w);
      views.push(f);
      await pause();
    }
    const vocabulary = seen.frequentFirst();
    const xs: SparseVector[][] = [];
    for (const f of views) {
      xs.push([vectorize(f.full, vocabulary), vectorize(f.folded, vocabulary)]);
      await pause();
    }
    const ys = Int32Array.from(all.map((e) => labelIndex.get(e.label) ?? 0));
    const counts = new Float64Array(labels.length);
    for (const y of ys) counts[y]++;
    const mean = ys.length / labels.length;
    const classWeights = counts.map((c) => Math.min(2, Math.max(0.5, Math.sqrt(mean / Math.max(c, 1)))));
    const regression = new SoftmaxRegression(vocabulary.size, labels.length);
    const settings = {
      learningRate: o.learningRate,
      l2: o.l2,
      classWeights,
      pick: (i: number, _epoch: number, rnd: () => number) => (rnd() < ACCENT_DROPOUT ? xs[i][1] : xs[i][0]),
      yieldEvery: pause,
    };

    let temperature = 1;
    const [, held] = o.calibrationShare > 0 && examples.length >= 20 ? stratifiedSplit(examples, o.calibrationShare, 11) : [examples, []];
    if (held.length > 0) {
      const heldSet = new Set(held);
      const heldIndex = new Set(examples.flatMap((e, i) => (heldSet.has(e) ? [i] : [])));
      const only = all.flatMap((e, i) => (heldSet.has(e) || (e.source !== undefined && heldIndex.has(e.source)) ? [] : [i]));
      await regression.fit(xs, ys, { ...settings, epochs: o.epochs, only });
      const logits: Float64Array[] = [];
      const gold: number[] = [];
      for (const i of heldIndex) {
        logits.push(regression.logits(xs[i][0]));
        gold.push(ys[i]);
      }
      temperature = fitTemperature(logits, gold);
      await regression.fit(xs, ys, { ...settings, epochs: Math.max(1, Math.round(o.epochs * o.continueShare)), seed: 2 });
    } else {
      await regression.fit(xs, ys, { ...settings, epochs: o.epochs });
    }
    regression.compact();
    for (const w of featurizer.hintWords()) if (!frequency.has(w)) frequency.set(w, 1);
    featurizer.useSpeller(new Speller(frequency));
    const real = all.flatMap((e, i) => (e.source === undefined ? [i] : []));
    const neighbors = new NearestNeighbors(
      real.map((i) => xs[i][0]),
      Int32Array.from(real.map((i) => ys[i])),
      vocabulary.size,
    );
    return {
      featurizer,
      vocabulary,
      labels,
      backgroundIndex: labels.indexOf(FALLBACK_INTENT),
      regression,
      temperature,
      knownWords,
      neighbors,
    };
  }

  /** Classifies one message; never throws. */
  async parse(text: string): Promise<ParseResult> {
    return this.parseSync(text);
  }

  /** Synchronous `parse` (the model is in memory); never throws. */
  parseSync(text: string): ParseResult {
    const raw = typeof text === 'string' ? text : String(text ?? '');
    try {
      const details = this.read(raw);
      if (!details) return this.fallback(raw, [], this.safeEntities(raw), 1);
      let result = this.decide(raw, details);
      const alone = details.withoutDone;
      const first = details.ranking[0];
      const storyLed = alone !== undefined && first !== undefined && alone.name !== first.name && !this.urgent.has(first.name);
      if (storyLed && alone.name !== FALLBACK_INTENT && alone.confidence >= this.opts.doneAloneThreshold) {
        // The request read without the finished story is clear on its own: it decides (all rules apply to it).
        const rest = this.read(alone.rest);
        const again = rest ? this.decide(raw, rest) : result;
        if (again.intent.name === alone.name) result = again;
      }
      if (result.intent.name === FALLBACK_INTENT && details.core !== raw && details.words <= SHORT_CORE_WORDS) {
        // What was left without the greetings may be too little ("chúc một ngày tốt lành"): the whole message decides then.
        const whole = this.read(raw, false);
        const again = whole ? this.decide(raw, whole) : result;
        if (again.intent.name !== FALLBACK_INTENT) result = again;
      }
      // A sentence's own reading counts as a second request only if the whole message also ranks it
      // high: a question that leans on the story before it ("nộp ở đâu, đóng phí gì?") is read alone otherwise.
      const top = new Set(details.ranking.slice(0, REQUEST_RANK).map((r) => r.name));
      const requests = this.requests(details.requestSentences, top);
      if (requests.length >= 2) return { ...result, requests };
      // Two procedures joined in one sentence ("làm lại căn cước với đổi bằng lái"): the first asked
      // is the answer (the bot answers it and offers the other), not whichever the whole ranks first.
      const urgentNow = this.urgent.has(result.intent.name) || this.urgent.has(first?.name ?? '');
      const joined = urgentNow ? [] : this.joinedRequests(details.requestSentences, top);
      if (joined.length < 2) return result;
      return {
        text: raw,
        intent: joined[0],
        intent_ranking: details.ranking.slice(0, RANKING_LENGTH),
        entities: result.entities,
        requests: joined,
      };
    } catch {
      return this.fallback(raw, [], [], 1);
    }
  }

  /** The model's probabilities for `text` alone (no nearest-example check); `nested`: a part of a message. */
  private probabilities(model: NonNullable<typeof this.model>, text: string, nested: boolean): Float64Array {
    return softmax(model.regression.logits(vectorOf(model, text, nested)), model.temperature);
  }

  /**
   * The distinct intents of a message's request sentences, in order: of the first three found, those
   * among `top`, when there are two or more of them (empty otherwise). Each sentence is classified
   * by the model alone (no nearest-example check: a sentence is short, and this runs on every long
   * message), and counts only when clearly decided. Sentences are read only while they can still
   * change the answer.
   */
  private requests(sentences: string[], top: Set<string>): IntentScore[] {
    const model = this.model;
    if (!model || sentences.length < 2) return [];
    const out: IntentScore[] = [];
    for (let s = 0; s < sentences.length && out.length < MAX_REQUESTS; s++) {
      const ranked = out.filter((o) => top.has(o.name)).length;
      if (ranked + Math.min(sentences.length - s, MAX_REQUESTS - out.length) < 2) return [];
      const probs = this.probabilities(model, sentences[s], true);
      const [best, second] = topTwo(probs);
      const name = model.labels[best];
      const confidence = probs[best];
      if (best === model.backgroundIndex || name === FALLBACK_INTENT || SMALL_TALK.has(name)) continue;
      if (confidence < REQUEST_CONFIDENCE || confidence - (second >= 0 ? probs[second] : 0) < this.opts.ambiguityThreshold) continue;
      if (!out.some((o) => o.name === name)) out.push({ name, confidence });
    }
    const requests = out.length >= 2 ? out.filter((o) => top.has(o.name)) : [];
    return requests.length >= 2 ? requests : [];
  }

  /**
   * The two procedures of the first request sentence that joins two ("… căn cước với đổi bằng
   * lái …"): each half clearly a procedure (`tt_…`) of its own, both among `top` (empty otherwise).
   */
  private joinedRequests(sentences: string[], top: Set<string>): IntentScore[] {
    const model = this.model;
    if (!model) return [];
    for (const sentence of sentences) {
      const halves = conjoinedHalves(sentence);
      if (!halves) continue;
      const read = halves.map((h) => {
        const probs = this.probabilities(model, h, true);
        const [best] = topTwo(probs);
        return { name: model.labels[best], confidence: probs[best] };
      });
      const [a, b] = read;
      const procedure = (r: IntentScore): boolean => r.name.startsWith('tt_') && !CHANNELS.has(r.name);
      if (a.name === b.name || !read.every((r) => procedure(r) && r.confidence >= JOINED_CONFIDENCE && top.has(r.name))) continue;
      // The sentence read whole must weigh the two as its two best: a vague half ("làm ở ủy ban xã") does not.
      const whole = this.probabilities(model, sentence, true);
      const rank = (name: string): number => {
        const p = whole[model.labels.indexOf(name)];
        return whole.filter((q) => q > p).length;
      };
      if (rank(a.name) > 1 || rank(b.name) > 1) continue;
      // And each half's closest training example (greetings and thanks aside) must agree with its reading.
      const agrees = halves.every((h, k) => {
        const x = vectorOf(model, h, true);
        const near = model.neighbors.query(x, 5).find((n) => !SMALL_TALK.has(model.labels[n.label]));
        return near !== undefined && model.labels[near.label] === read[k].name;
      });
      if (agrees) return read;
    }
    return [];
  }

  /**
   * The classifier's raw view of a message (undefined before the first training). `split`: drop
   * greeting, thanks and apology clauses and find the request sentences (default: true).
   */
  score(text: string, split = true): ScoreDetails | undefined {
    const lazy = this.read(text, split);
    if (!lazy) return undefined;
    const { notPresent: _notPresent, dangerNow: _dangerNow, happening: _happening, ...rest } = lazy;
    // The nearest examples matter only where the agreement check applies.
    const checked = (lazy.ranking[0]?.confidence ?? 0) < this.opts.agreementThreshold;
    return {
      ...rest,
      neighbors: checked ? lazy.neighbors() : [],
      wholeNeighbors: checked ? lazy.wholeNeighbors?.() : undefined,
      elsewhere: lazy.elsewhere(),
    };
  }

  /** `score`, with the nearest examples looked up on demand. */
  private read(text: string, split = true): LazyScore | undefined {
    const model = this.model;
    if (!model) return undefined;
    const clipped = clip(text, this.opts.maxChars);
    const parts = split ? clauses(clipped) : [];
    const core = split ? requestPart(parts, clipped) : clipped;
    const f = model.featurizer.extract(core, { known: byGroup(model.vocabulary) });
    const entities = core !== text ? model.featurizer.entities(text.slice(0, MAX_ENTITY_CHARS)) : f.entities;
    const x = vectorize(f.full, model.vocabulary);
    const probs = softmax(model.regression.logits(x), model.temperature);
    const ranking: IntentScore[] = [];
    model.labels.forEach((name, i) => {
      if (i !== model.backgroundIndex) ranking.push({ name, confidence: probs[i] });
    });
    ranking.sort((a, b) => b.confidence - a.confidence);
    const nearest = (v: SparseVector): IntentScore[] =>
      model.neighbors.query(v, 5).map((n) => ({ name: model.labels[n.label], confidence: n.similarity }));
    const classes = wordClasses(f.full);
    const requests = split ? requestSentences(parts) : [];
    const whole = split ? parts.flatMap((c) => c.words) : f.words;
    let contentWords = 0;
    let knownWords = 0;
    for (let i = 0; i < f.words.length; i++) {
      const w = f.words[i];
      if (FUNCTION_WORDS.has(w)) continue;
      contentWords++;
      if (model.knownWords.has(w) || f.lexical.has(i)) knownWords++;
    }
    return {
      withoutDone: split && this.opts.doneStories && ranking[0] ? this.withoutDone(core, ranking[0].name) : undefined,
      ranking,
      background: model.backgroundIndex >= 0 ? probs[model.backgroundIndex] : 0,
      words: f.words.length,
      contentWords,
      knownWords,
      entities,
      // Looked up only when the agreement check asks (most of a parse's time otherwise), and once
      // each (a decision taken again without the emergencies asks again).
      neighbors: once(() => nearest(f.focus ? vectorize(f.focus, model.vocabulary) : x)),
      wholeNeighbors: f.focus ? once(() => nearest(x)) : undefined,
      core,
      requestSentences: requests,
      rescue: callsForRescue(f.words, classes),
      danger: classes.some((c) => DANGER_CLASSES.has(c)),
      crimeTold: split && requests.length === 0 && classes.includes('toi_pham'),
      outOfCatalog: classes.some((c) => OUT_OF_CATALOG_CLASSES.has(c)),
      feedback: classes.includes('gop_y') && hasPhrase(whole, FEEDBACK_WORDS),
      // The whole message: the filing, or the paper, is often told in a clause before the question.
      elsewhere: () => filedElsewhere(whole),
      notPresent: once(() => notAPresentDanger(text)),
      dangerNow: () => mayMeanPresentDanger(text),
      happening: () => dangerHappeningNow(text),
      neighbour: ranking[0] ? namedNeighbour(whole, ranking[0].name) : undefined,
      thanked: saysThanks(f.words) || saysThanks(whole),
      onlyThanks: split && parts.some((c) => c.filler && saysThanks(c.words)) && requests.length === 0,
      onlyPlans: split && parts.every((c) => c.filler || c.plan),
      leaving: split && requests.length === 0 && parts.some((c) => c.leave) && parts.every((c) => c.filler || c.plan || c.leave),
      onlyGreeting:
        split && parts.length > 0 && parts.every((c) => c.filler && !saysThanks(c.words)) && parts.some((c) => c.words.includes('chao')),
    };
  }

  /**
   * The best intent of `core` read without its done clauses, when those clauses alone point at
   * `top` (the story may be what decided); undefined otherwise, or when there are none.
   */
  private withoutDone(core: string, top: string): (IntentScore & { rest: string }) | undefined {
    const model = this.model;
    if (!model) return undefined;
    const spans = doneClauses(core);
    if (spans.length === 0) return undefined;
    const best = (text: string, nested: boolean): IntentScore => {
      const probs = this.probabilities(model, text, nested);
      let i = 0;
      probs.forEach((p, k) => {
        if (p > probs[i]) i = k;
      });
      return { name: i === model.backgroundIndex ? FALLBACK_INTENT : model.labels[i], confidence: probs[i] };
    };
    // The story alone is a few words: a cheap look before reading the whole message again.
    if (best(spans.map((s) => core.slice(s.start, s.end)).join(' '), true).name !== top) return undefined;
    let rest = core;
    for (const s of spans) rest = rest.slice(0, s.start) + ' '.repeat(s.end - s.start) + rest.slice(s.end);
    return { ...best(rest, false), rest };
  }

  /** Applies the FallbackClassifier rules to a score. */
  private decide(text: string, d: LazyScore): ParseResult {
    const ranking = d.ranking.slice(0, RANKING_LENGTH);
    const top = ranking[0];
    // Nothing to read (empty, only punctuation or emoji): no candidates worth listing.
    if (!top || (d.words === 0 && d.entities.length === 0)) return this.fallback(text, [], d.entities, 1);
    // Someone in danger and a call for rescue: an emergency, whatever the story around it reads as.
    const rescue = d.rescue && !this.urgent.has(top.name) ? ranking.slice(0, RESCUE_RANK).find((r) => this.urgent.has(r.name)) : undefined;
    // Fire-safety paperwork, a theft told the day after, thanks once the fire is out, health advice:
    // no danger now. A thank-you is a thank-you; anything else goes to an operator, the emergencies
    // left out of its candidates (no "which one?" offers an emergency number for it).
    if ((rescue || this.urgent.has(top.name)) && d.notPresent()) {
      const calm = ranking.filter((r) => !this.urgent.has(r.name));
      const thanks = d.thanked ? calm.slice(0, 2).find((r) => r.name === THANKS_INTENT) : undefined;
      if (thanks) return { text, intent: thanks, intent_ranking: calm, entities: d.entities };
      // The emergencies set aside, the rest may answer on its own ("tối qua bị trộm bóp, giờ làm lại bằng lái sao").
      const again = this.withoutEmergencies(text, d);
      if (again && again.intent.name !== FALLBACK_INTENT) return again;
      return this.fallback(text, calm, d.entities, this.opts.threshold);
    }
    if (rescue) return { text, intent: rescue, intent_ranking: ranking, entities: d.entities };
    // A danger named (someone hurt, a fire, a crime) and told as happening now ("có người lạ đang
    // cạy cốp xe", "tụi nó vừa giựt chiếc xe"): the emergency among the five best, whatever leads.
    const now = !this.urgent.has(top.name) && d.danger ? ranking.slice(0, RESCUE_RANK).find((r) => this.urgent.has(r.name)) : undefined;
    if (now && d.happening() && !d.notPresent()) return { text, intent: now, intent_ranking: ranking, entities: d.entities };
    // A report or a procedure leads, but an emergency is close behind and a word may mean someone in
    // danger now ("sập đất, 1 công nhân còn kẹt dưới", "xuồng bị lật giữa kênh"): in doubt, not the
    // report's answer but a handover, with the emergency kept among the candidates (the bot's
    // possible-emergency net gives the numbers first).
    const near = this.urgent.has(top.name) ? undefined : ranking.slice(0, 3).find((r) => this.urgent.has(r.name));
    if (near && near.confidence >= DANGER_NEAR && d.dangerNow() && !d.notPresent())
      return this.fallback(text, ranking, d.entities, this.opts.threshold);
    // A crime told, nothing asked, and a procedure leads ("xe tải tông sạp của tui rồi chạy luôn, biển
    // số 66C…"): the procedure's page answers no one; an operator reads it.
    if (d.crimeTold && top.name.startsWith('tt_')) return this.fallback(text, ranking, d.entities, this.opts.threshold);
    const second = ranking[1];
    const urgent = this.urgent.has(top.name);
    const threshold = urgent ? Math.min(this.opts.urgentThreshold, this.opts.threshold) : this.opts.threshold;
    const gap = top.confidence - (second?.confidence ?? 0);
    const long = !urgent && d.words > this.opts.longWords;
    const needed = long ? Math.max(this.opts.ambiguityThreshold, this.opts.longAmbiguityThreshold) : this.opts.ambiguityThreshold;
    const ambiguous = gap < needed && !(urgent && second && this.urgent.has(second.name));
    // Greetings and thanks wrap other questions ("ad ơi cho hỏi …"): as neighbours they prove nothing.
    const nearest = (list: IntentScore[]): IntentScore | undefined =>
      SMALL_TALK.has(top.name) ? list[0] : list.find((n) => !SMALL_TALK.has(n.name));
    const disagrees = (list: IntentScore[]): boolean => {
      const n = nearest(list);
      return n !== undefined && n.name !== top.name;
    };
    // In a long message, the question's nearest example or the whole message's may agree.
    const disputed = (): boolean =>
      !urgent &&
      top.confidence < this.opts.agreementThreshold &&
      disagrees(d.neighbors()) &&
      (d.wholeNeighbors === undefined || disagrees(d.wholeNeighbors()));
    const outOfVocabulary = d.entities.length === 0 && d.contentWords > 0 && d.knownWords / d.contentWords < this.opts.minCoverage;
    // A thank-you with a few words of what comes next ("mai tui lên xã làm liền") and no question:
    // when the thanks lead the ranking, however thinly, it is a thank-you (a report would lead otherwise).
    if (d.onlyThanks && top.name === THANKS_INTENT) return { text, intent: top, intent_ranking: ranking, entities: d.entities };
    // A goodbye, whatever the plan names or the words of praise are read as: thanks and a plan for later,
    // nothing else ("cảm ơn con nhiều nghen, để mai chú lên xã làm", "tuyệt vời, cảm ơn"); or leave taken,
    // nothing asked ("chào nha, tui đi đây", "hẹn gặp lại": not a greeting or a call for an operator).
    const bye = (d.onlyThanks && d.onlyPlans) || d.leaving ? d.ranking.find((r) => r.name === THANKS_INTENT) : undefined;
    if (bye) return { text, intent: bye, intent_ranking: ranking, entities: d.entities };
    // Thanks and a "chào" that takes leave ("con cám ơn cô, con chào cô"), nothing asked: a goodbye, not a greeting.
    const leave = d.onlyThanks && top.name === GREETING_INTENT ? ranking.slice(1, 3).find((r) => r.name === THANKS_INTENT) : undefined;
    if (leave) return { text, intent: leave, intent_ranking: ranking, entities: d.entities };
    // Only a greeting ("chào buổi chiều": not the "chiếu" of hộ chiếu; "chào cán bộ"): a greeting when the ranking has it among its three best.
    const hello = d.onlyGreeting ? ranking.slice(0, 3).find((r) => r.name === GREETING_INTENT) : undefined;
    if (hello) return { text, intent: hello, intent_ranking: ranking, entities: d.entities };
    // A dossier another province holds: its status is not ours to look up, and no procedure was asked.
    const outOfCatalog = (d.outOfCatalog && top.name.startsWith('tt_')) || (top.name === DOSSIER_STATUS && d.elsewhere());
    // An emergency that names its danger and leads the ranking is not turned down for looking
    // off-topic or unsure ("uống nhầm thuốc gì không biết, giờ ói mửa"); a close second still asks.
    const named = urgent && d.danger;
    const doubtful = !named && (d.background >= top.confidence || top.confidence < threshold);
    if (doubtful || outOfVocabulary || outOfCatalog || disputed()) {
      // Paperwork, a past day, a danger over (fire-safety approval asked about): no emergency among the candidates.
      const calm = d.notPresent() ? ranking.filter((r) => !this.urgent.has(r.name)) : ranking;
      return this.fallback(text, calm, d.entities, this.opts.threshold);
    }
    if (ambiguous) {
      const result = this.fallback(text, ranking, d.entities, this.opts.threshold);
      return second ? { ...result, ambiguous: [top, second] } : result;
    }
    // The paper the message names belongs to the neighbour (a diploma, a signature): ask which.
    const paper = d.neighbour === undefined ? undefined : ranking.slice(0, 3).find((r) => r.name === d.neighbour);
    if (paper) return { ...this.fallback(text, ranking, d.entities, this.opts.threshold), ambiguous: [paper, top] };
    // Feedback about a procedure ("góp ý về dịch vụ công khó xài", "đề xuất làm căn cước lưu động"):
    // the procedure leads, feedback is second and the message says it gives feedback: ask which, feedback first.
    if (d.feedback && top.name.startsWith('tt_') && second?.name === FEEDBACK_INTENT) {
      return { ...this.fallback(text, ranking, d.entities, this.opts.threshold), ambiguous: [second, top] };
    }
    // The top intent comes from a procedure told as done: the request read without it says otherwise.
    const alone = d.withoutDone;
    if (alone && !urgent && !SMALL_TALK.has(top.name) && alone.name !== top.name) {
      const result = this.fallback(text, ranking, d.entities, this.opts.threshold);
      // The request's own reading first: it is what was asked.
      const other = ranking.find((r) => r.name === alone.name);
      return other ? { ...result, ambiguous: [other, top] } : result;
    }
    return { text, intent: top, intent_ranking: ranking, entities: d.entities };
  }

  /**
   * The message read as no emergency, once it told no danger going on ("tối qua bị trộm lấy mất cái
   * bóp, giờ làm lại bằng lái sao"): the confidences of the other intents (and of the out-of-domain
   * class) given that it is none of the emergencies, decided by the usual rules. Undefined when the
   * emergencies took all the mass.
   */
  private withoutEmergencies(text: string, d: LazyScore): ParseResult | undefined {
    let urgentMass = 0;
    for (const r of d.ranking) if (this.urgent.has(r.name)) urgentMass += r.confidence;
    const rest = 1 - urgentMass;
    if (rest <= 0) return undefined;
    const ranking = d.ranking.filter((r) => !this.urgent.has(r.name)).map((r) => ({ name: r.name, confidence: r.confidence / rest }));
    return this.decide(text, { ...d, ranking, background: d.background / rest });
  }

  private fallback(text: string, ranking: IntentScore[], entities: Entity[], confidence: number): ParseResult {
    const intent = { name: FALLBACK_INTENT, confidence };
    return { text, intent, intent_ranking: [intent, ...ranking], entities };
  }

  private safeEntities(text: string): Entity[] {
    try {
      return extractEntities(text.slice(0, MAX_ENTITY_CHARS));
    } catch {
      return [];
    }
  }
}
