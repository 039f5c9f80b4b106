/**
 * Words that shoppers use for the same thing, folded onto one spelling before features are
 * drawn. A sample written by other hands uses other words ("rebate", "bill", "purchase");
 * without this the model only knows the words its training sample happened to use.
 */
const GROUPS: Record<string, string[]> = {
  order: ['purchase', 'purchases', 'orders', 'buy', 'buying', 'purchasing', 'acquire', 'shopping'],
  delivery: ['ship', 'deliver', 'delivering', 'shipment', 'shipments'],
  find: ['look', 'looking', 'locate', 'locating'],
  another: ['new', 'second', 'secondary', 'additional', 'extra'],
  use: ['using'],
  invoice: ['bill', 'bills', 'receipt', 'receipts'],
  refund: [
    'rebate',
    'rebates',
    'reimbursement',
    'reimbursements',
    'reimburse',
    'reimbursed',
    'compensation',
    'compensations',
    'restitution',
    'refunds',
    'refunded',
    'refunding',
    'repayment',
    'rebating',
    'reimbursing',
    'compensating',
  ],
  package: ['parcel', 'parcels', 'packages'],
  product: ['products', 'item', 'items', 'article', 'articles', 'goods'],
  help: ['assistance', 'assist', 'uhelp'],
  agent: ['operator', 'representative', 'rep', 'assistant', 'somebody', 'someone', 'person'],
  password: ['pwd', 'pin', 'passcode', 'passwd'],
  registration: ['signup', 'registrations', 'enrollment', 'enrolment'],
  complaint: ['claim', 'claims', 'reclamation', 'grievance'],
  review: ['feedback', 'opinion', 'rating'],
  methods: ['modalities', 'options', 'method'],
  information: ['info', 'details', 'data'],
  cancellation: ['termination', 'terminations', 'withdrawal', 'cancellations'],
  company: ['business', 'organization', 'organisation', 'corporation', 'firm'],
  your: ['ur', 'yr'],
  you: ['u', 'ya', 'yu'],
  please: ['pls', 'plz', 'plox'],
  want: ['wanna', 'wish'],
};

/** Words that carry no intent (swearing, titles) and are dropped. */
const NOISE = new Set([
  'damn',
  'goddamn',
  'bloody',
  'fucking',
  'freaking',
  'effing',
  'mr',
  'ms',
  'mrs',
]);

const CANONICAL = new Map<string, string>();
for (const [canonical, variants] of Object.entries(GROUPS)) {
  for (const v of variants) CANONICAL.set(v, canonical);
}

/** Folds synonyms onto one word and drops noise words, token by token. */
export function canonicalWords(tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (NOISE.has(t)) continue;
    out.push(CANONICAL.get(t) ?? t);
  }
  return out;
}
