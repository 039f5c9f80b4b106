import { dataFile, readCsv } from './files';

/** One labelled utterance of the Bitext customer-support data. */
export interface SupportUtterance {
  text: string;
  /** The intent, with `check_invoices` folded into `check_invoice`. */
  intent: string;
  category: string;
  /** Bitext's variation letters, e.g. `BILQZ` (Z typos, Q colloquial, ...). */
  flags: string;
  /** Entity span, when the file has one (the 4,514-row file only). */
  entity?: { type: string; value: string; start: number; end: number };
}

export const BITEXT_20K_FILE = [
  'support-intents-bitext',
  'bitext_customer_support_20k_utterances.csv',
];
export const BITEXT_QA_FILE = [
  'support-intents-bitext',
  'bitext_customer_support_llm_4514_qa.csv.gz',
];

/** Folds the two spellings of the invoice intent into one label. */
export function normaliseIntent(intent: string): string {
  const trimmed = intent.trim();
  return trimmed === 'check_invoices' ? 'check_invoice' : trimmed;
}

/** The 20k-utterance sample (the part that is not kept aside). */
export async function loadBitextUtterances(dataDir: string): Promise<SupportUtterance[]> {
  const out: SupportUtterance[] = [];
  const path = dataFile(dataDir, ...BITEXT_20K_FILE);
  for await (const r of readCsv<Record<string, string>>(path, { columns: true })) {
    out.push({
      text: r.utterance,
      intent: normaliseIntent(r.intent),
      category: r.category,
      flags: r.flags,
    });
  }
  return out;
}

/** The 4,514-row sample with entity spans (its model responses are not read). */
export async function loadBitextQa(dataDir: string): Promise<SupportUtterance[]> {
  const out: SupportUtterance[] = [];
  const path = dataFile(dataDir, ...BITEXT_QA_FILE);
  for await (const r of readCsv<Record<string, string>>(path, { columns: true })) {
    const start = Number(r.start_offset);
    const end = Number(r.end_offset);
    const hasSpan = r.entity_type !== '' && Number.isInteger(start) && Number.isInteger(end);
    out.push({
      text: r.instruction,
      intent: normaliseIntent(r.intent),
      category: r.category,
      flags: r.tags,
      ...(hasSpan ? { entity: { type: r.entity_type, value: r.entity_value, start, end } } : {}),
    });
  }
  return out;
}
