/**
 * Training-time augmentation: citizens often open with a greeting or close with thanks
 * ("chào ad, cho hỏi làm căn cước…, cảm ơn"). Gluing greeting/thanks examples onto other
 * intents' examples teaches the model that those words alone do not decide the intent.
 */
import { seededRandom } from '../../seeded-random';

/** One labelled training example. */
export interface LabelledExample {
  text: string;
  label: string;
  /** For a generated example: the index of the example it was made from. */
  source?: number;
}

/** Which intents hold openers and closers, and how often to use them (defaults: chao_hoi, cam_on_tam_biet, 0.3, 0.15). */
export interface AugmentOptions {
  greetingIntent?: string;
  closingIntent?: string;
  prefixRate?: number;
  suffixRate?: number;
  seed?: number;
}

/** Returns extra examples: other intents' examples with a greeting before or thanks after. */
export function augmentWithOpenersAndClosers(examples: LabelledExample[], opts: AugmentOptions = {}): LabelledExample[] {
  const { greetingIntent = 'chao_hoi', closingIntent = 'cam_on_tam_biet', prefixRate = 0.3, suffixRate = 0.15, seed = 7 } = opts;
  const rnd = seededRandom(seed);
  const openers = examples.filter((e) => e.label === greetingIntent && e.text.split(/\s+/).length <= 5).map((e) => e.text);
  const closers = examples.filter((e) => e.label === closingIntent && e.text.split(/\s+/).length <= 5).map((e) => e.text);
  const out: LabelledExample[] = [];
  examples.forEach((e, source) => {
    if (e.label === greetingIntent || e.label === closingIntent) return;
    if (openers.length > 0 && rnd() < prefixRate) {
      out.push({ text: `${openers[Math.floor(rnd() * openers.length)]}, ${e.text}`, label: e.label, source });
    }
    if (closers.length > 0 && rnd() < suffixRate) {
      out.push({ text: `${e.text}. ${closers[Math.floor(rnd() * closers.length)]}`, label: e.label, source });
    }
  });
  return out;
}
