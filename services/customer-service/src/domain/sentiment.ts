import Sentiment from 'sentiment';

export interface SentimentResult {
  /** From -1 (very negative) to 1 (very positive). */
  score: number;
  label: 'negative' | 'neutral' | 'positive';
}

const analyser = new Sentiment();

/**
 * AFINN word scores (from the `sentiment` library) summed and squashed into [-1, 1]:
 * tanh keeps one mildly negative word mild while several strong ones approach -1.
 */
export function scoreSentiment(text: string): SentimentResult {
  const raw = analyser.analyze(text).score;
  const score = Math.round(Math.tanh(raw / 4) * 1000) / 1000;
  const label = score <= -0.25 ? 'negative' : score >= 0.25 ? 'positive' : 'neutral';
  return { score, label };
}
