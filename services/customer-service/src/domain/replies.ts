/**
 * Our own answer templates, one per intent. Order intents are filled with the live order;
 * policy intents with the policy text from config.
 */
import type { OrderFact } from '../adapters/orders';

export interface Policies {
  refund: string;
  cancellation: string;
}

/** Intents whose answer depends on one order: without an order number we ask for it. */
export const ORDER_INTENTS = new Set([
  'track_order',
  'cancel_order',
  'change_order',
  'check_invoice',
  'get_invoice',
  'track_refund',
]);

const FIXED: Record<string, string> = {
  place_order:
    'You can order from any product page: add the items to your basket and check out. ' +
    'Tell me if something stops you on the way.',
  change_shipping_address:
    'You can change the delivery address of an order that has not shipped yet under ' +
    'Orders in your account; for one already on its way, tell me the order number.',
  set_up_shipping_address:
    'Add a delivery address under Account > Addresses; you can keep several and pick one ' +
    'at checkout.',
  check_cancellation_fee: 'There is no fee to cancel before the order leaves our warehouse.',
  check_payment_methods: 'We take Visa, Mastercard, American Express, PayPal and bank transfer.',
  payment_issue:
    'Sorry the payment did not go through. Check the card details and the billing address, ' +
    'or try another method; no money is taken for a payment that failed.',
  delivery_options:
    'We offer standard delivery (3 to 5 working days), express (next working day) and ' +
    'collection points. The options for your address show at checkout.',
  delivery_period:
    'Standard delivery takes 3 to 5 working days and express the next working day after ' +
    'dispatch.',
  review:
    'Thank you for taking the time. You can rate any product from its page or from the ' +
    'order in your account.',
  contact_customer_service:
    'Our team answers here around the clock, and by email at support@example.com from ' +
    '8:00 to 20:00 on working days.',
  contact_human_agent: 'Of course: I am passing this conversation to a colleague now.',
  complaint:
    'I am sorry about this. I am passing your message to a colleague who will look into ' +
    'it and come back to you.',
  create_account:
    'Choose Sign up at the top of any page and enter your email and a password; the ' +
    'account is ready as soon as you confirm the email.',
  delete_account:
    'You can close your account under Account > Privacy. Orders in progress are still ' +
    'delivered.',
  edit_account: 'Your name, email, phone and addresses can be changed under Account > Details.',
  recover_password:
    'Choose "Forgot password" on the sign-in page and we will email you a link to set a ' +
    'new one. The link works for one hour.',
  registration_problems:
    'Sorry the sign-up is giving you trouble. Check that the email is not already in use ' +
    'and that the password has at least 8 characters; if it still fails, tell me the error.',
  switch_account: 'Sign out from the menu at the top right, then sign in with the other account.',
  newsletter_subscription:
    'You can subscribe or unsubscribe under Account > Preferences, or with the link at the ' +
    'bottom of any newsletter.',
};

const ASK_ORDER: Record<string, string> = {
  track_order: 'Happy to check where your order is. What is the order number?',
  cancel_order: 'I can help you cancel it. What is the order number?',
  change_order: 'I can help with changing your order. What is the order number?',
  check_invoice: 'Which order is the invoice for? Please give me the order number.',
  get_invoice: 'Which order do you need the invoice for? Please give me the order number.',
  track_refund: 'Let me look up your refund. What is the number of the order you returned?',
};

function money(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency || 'GBP'}`;
}

/** How an order stands, as a clause after its date; nothing to add for a plain order. */
function statusPhrase(status: string): string {
  return status === 'placed' ? '' : ` and is ${status}`;
}

function describeOrder(order: OrderFact): string {
  const day = order.orderedAt.slice(0, 10);
  const shown = order.lines.slice(0, 3).map((l) => `${l.quantity} x ${l.description || l.sku}`);
  const more = order.lines.length > 3 ? ` and ${order.lines.length - 3} more lines` : '';
  return (
    `Order ${order.orderId} was placed on ${day}${statusPhrase(order.status)}. ` +
    `It has ${shown.join(', ')}${more}; the total is ${money(order.total, order.currency)}.`
  );
}

/** The reply for an order intent once the order is known. */
export function orderReply(intent: string, order: OrderFact, policies: Policies): string {
  const facts = describeOrder(order);
  switch (intent) {
    case 'cancel_order':
      return `${facts} ${policies.cancellation}`;
    case 'change_order':
      return `${facts} Tell me what you would like to change.`;
    case 'check_invoice':
    case 'get_invoice':
      return `${facts} The invoice is under Orders in your account, ready to download.`;
    case 'track_refund':
      return `${facts} ${policies.refund}`;
    default:
      return facts;
  }
}

/** The question asking for the order number an intent needs. */
export function askOrderReply(intent: string): string {
  return ASK_ORDER[intent] ?? 'What is the order number?';
}

export function orderNotFoundReply(orderId: string): string {
  return (
    `I could not find an order numbered ${orderId}. Could you check the number? ` +
    'It is on the confirmation email.'
  );
}

/** The reply of an intent that needs no order. */
export function fixedReply(intent: string, policies: Policies): string {
  if (intent === 'check_refund_policy' || intent === 'get_refund') return policies.refund;
  return FIXED[intent] ?? FALLBACK_REPLY;
}

export const FALLBACK_REPLY =
  'Sorry, I did not quite get that. Could you say in a few words what you need, for ' +
  'example "where is my order 536365"?';

export const UNHEARD_REPLY =
  'Sorry, I could not make out any words in the recording. Could you say it again, or ' +
  'type your message?';

export const FOREIGN_REPLY =
  'For now I can only answer in English, so I am passing your message to a colleague who ' +
  'will reply. / Por ahora solo respondo en inglés; un compañero le contestará.';

export const HANDOFF_REPLY = 'I am passing this conversation to a colleague, who will reply here.';
