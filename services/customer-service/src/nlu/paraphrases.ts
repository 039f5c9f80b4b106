/**
 * Training sentences of our own, made from a few ways of saying each intent set in common
 * frames ("how can I ...", "help me with ..."). The 20k sample has as few as 29 utterances
 * of an intent, all in one writer's words; shoppers who buy, purchase or order, or who add
 * rather than set up an address, then land on a neighbouring intent.
 */
import type { LabelledText } from './training';

/** Ways of saying each intent, as verb phrases in the base form. */
const CORES: Record<string, string[]> = {
  cancel_order: [
    'cancel my order',
    'cancel order 4471023',
    'cancel the purchase I made yesterday',
    'call off my last order',
  ],
  change_order: [
    'change my order',
    'modify order 4471023',
    'add an item to my order',
    'remove a product from my purchase',
  ],
  place_order: [
    'place an order',
    'buy some of your products',
    'purchase a few items',
    'order something from your shop',
  ],
  track_order: [
    'track my order',
    'check the status of order 4471023',
    'find out where my purchase is',
    'follow my package',
  ],
  change_shipping_address: [
    'change my shipping address',
    'update the delivery address',
    'correct the address I gave',
    'modify my shipping address',
  ],
  set_up_shipping_address: [
    'set up a shipping address',
    'add a new delivery address',
    'enter a second shipping address',
    'save another address for deliveries',
  ],
  check_cancellation_fee: [
    'check the cancellation fee',
    'know how much it costs to cancel',
    'find out the early termination charge',
    'see the cancellation penalty',
  ],
  check_invoice: [
    'check my invoice',
    'see invoice 4471023',
    'look at my bills',
    'view the invoice of my last purchase',
  ],
  get_invoice: [
    'get my invoice',
    'download invoice 4471023',
    'receive a copy of my bill',
    'have the invoice sent to me',
  ],
  check_payment_methods: [
    'check the payment methods',
    'know which payment options you accept',
    'see if I can pay with paypal',
    'find out the ways I can pay',
  ],
  payment_issue: [
    'report a payment problem',
    'fix an issue with my payment',
    'sort out a failed payment',
    'report that my card was charged twice',
  ],
  check_refund_policy: [
    'check your refund policy',
    'know in which cases I can get my money back',
    'read the money back guarantee',
    'see the rules for reimbursements',
  ],
  get_refund: [
    'get a refund',
    'request a refund of $35',
    'ask for my money back',
    'claim a reimbursement',
  ],
  track_refund: [
    'track my refund',
    'check the status of my refund',
    'know when I will receive the $35 you owe me',
    'find out if my reimbursement was processed',
  ],
  delivery_options: [
    'check the delivery options',
    'see which shipping methods you offer',
    'know if you ship to Canada',
    'choose express shipping',
  ],
  delivery_period: [
    'know when my order will arrive',
    'check the delivery time',
    'find out how long shipping takes',
    'see the estimated arrival date',
  ],
  complaint: [
    'make a complaint',
    'file a complaint about your service',
    'lodge a complaint against your company',
    'complain about the way I was treated',
  ],
  review: [
    'leave a review',
    'give feedback about a product',
    'write a review of your service',
    'rate my purchase',
  ],
  contact_customer_service: [
    'contact customer service',
    'get in touch with customer support',
    'call your support team',
    'find the customer service phone number',
  ],
  contact_human_agent: [
    'speak to a human agent',
    'talk to a real person',
    'chat with an operator',
    'be transferred to a representative',
  ],
  create_account: [
    'create an account',
    'open a new premium account',
    'sign up for an account',
    'register a new user profile',
  ],
  delete_account: [
    'delete my account',
    'close my premium account',
    'remove my user profile',
    'get rid of my account',
  ],
  edit_account: [
    'edit my account',
    'update my account details',
    'change the information on my profile',
    'modify my personal data',
  ],
  recover_password: [
    'recover my password',
    'reset my password',
    'get a new password',
    'retrieve my login details',
  ],
  registration_problems: [
    'report a registration error',
    'fix a sign-up error',
    'report an error I got while registering',
    'solve an issue with the sign-up form',
  ],
  switch_account: [
    'switch to another account',
    'change to the gold account',
    'move to a different account type',
    'swap my account for a premium one',
  ],
  newsletter_subscription: [
    'subscribe to the newsletter',
    'unsubscribe from your newsletter',
    'cancel my newsletter subscription',
    'sign up for your mailing list',
  ],
};

const FRAMES = [
  '{b}',
  'I want to {b}',
  "I'd like to {b}",
  'I need to {b}',
  'how can I {b}?',
  'how do I {b}',
  'where can I {b}?',
  'can you help me {b}?',
  'help me {b}, please',
  'is it possible to {b}?',
  "I don't know how to {b}",
  'what do I have to do to {b}?',
];

const GERUND_FRAMES = [
  '{g}',
  'help {g}',
  'I need help {g}',
  'I want assistance {g}',
  'can you help me with {g}?',
  'information about {g}',
];

/** Verbs whose last consonant doubles, or that are irregular, before -ing. */
const GERUNDS: Record<string, string> = {
  get: 'getting',
  set: 'setting',
  chat: 'chatting',
  swap: 'swapping',
  cancel: 'cancelling',
  be: 'being',
  see: 'seeing',
};

/** The verb phrase with its first word in the -ing form ("cancel my order" -> "cancelling ..."). */
export function gerund(phrase: string): string {
  const [verb, ...rest] = phrase.split(' ');
  const ing =
    GERUNDS[verb] ??
    (verb.endsWith('e') && !verb.endsWith('ee') ? verb.slice(0, -1) + 'ing' : verb + 'ing');
  return [ing, ...rest].join(' ');
}

/** Every frame filled with every way of saying every intent. */
export function paraphrases(): LabelledText[] {
  const out: LabelledText[] = [];
  for (const [intent, cores] of Object.entries(CORES)) {
    for (const b of cores) {
      for (const f of FRAMES) out.push({ text: f.replace('{b}', b), intent });
      for (const f of GERUND_FRAMES) out.push({ text: f.replace('{g}', gerund(b)), intent });
    }
  }
  return out;
}
