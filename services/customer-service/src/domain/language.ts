/**
 * A small stopword-count language guess. It only has to tell English from the languages
 * shoppers most often write in instead; anything it cannot place is treated as English.
 */
const words = (list: string): string[] => list.trim().split(/\s+/);

const STOPWORDS: Record<string, string[]> = {
  en: words(`the a an and or to of in on for my is are was i you it this that with be have has
    do does did can could would should where when what how why please order not me we`),
  es: words(`el la los las un una y o de del en para por mi mis es son está esta estoy tengo
    quiero puedo dónde donde cuándo cuando qué que cómo como por favor pedido no me se`),
  fr: words(`le la les un une et ou de des du en pour mon ma mes est sont je vous il elle
    veux peux où quand quoi comment commande pas ne me se avec`),
  de: words(`der die das ein eine und oder von zu im in für mein meine ist sind ich sie es
    will kann wo wann was wie bitte bestellung nicht mich mit`),
  it: words(`il lo la i gli le un una e o di del in per mio mia è sono io voglio posso dove
    quando cosa come ordine non mi si con`),
  pt: words(`o a os as um uma e ou de do da em para por meu minha é são eu quero posso onde
    quando como pedido não me se com`),
  nl: words(`de het een en of van in voor mijn is zijn ik u wil kan waar wanneer wat hoe
    bestelling niet mij met`),
};

const LEXICON = new Map<string, Set<string>>();
for (const [lang, list] of Object.entries(STOPWORDS)) {
  for (const w of list) {
    const langs = LEXICON.get(w) ?? new Set<string>();
    langs.add(lang);
    LEXICON.set(w, langs);
  }
}

export interface LanguageGuess {
  language: string;
  english: boolean;
}

/** Guesses the language of a message; `und` when there are no letters to go on. */
export function detectLanguage(text: string): LanguageGuess {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return { language: 'und', english: true };
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  if (latin / letters.length < 0.5) return { language: 'other', english: false };

  const counts: Record<string, number> = {};
  const tokens = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  for (const t of tokens) {
    for (const lang of LEXICON.get(t) ?? []) counts[lang] = (counts[lang] ?? 0) + 1;
  }
  if (/[¿¡ñ]/.test(text)) counts.es = (counts.es ?? 0) + 2;
  const en = counts.en ?? 0;
  let best = 'en';
  let bestCount = en;
  for (const [lang, n] of Object.entries(counts)) {
    if (lang !== 'en' && n > bestCount) {
      best = lang;
      bestCount = n;
    }
  }
  const foreign = best !== 'en' && bestCount >= 2;
  return { language: foreign ? best : 'en', english: !foreign };
}
