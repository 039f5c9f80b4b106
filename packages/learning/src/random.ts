/**
 * A linear congruential generator (Numerical Recipes' constants) returning numbers in [0, 1).
 * Not for anything secret: it exists so that splits, initial weights and shuffles repeat
 * exactly from one run to the next.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** A shuffled copy (Fisher-Yates), drawing from `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
