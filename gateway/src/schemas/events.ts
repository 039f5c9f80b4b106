import { Type } from '@sinclair/typebox';
import { EVENT_TYPES, MAX_EVENTS_PER_BATCH } from '../domain/events';
import {
  ID_MAX,
  ID_PATTERN,
  PRICE_MAX,
  QUANTITY_MAX,
  SESSION_ID_MAX,
  SKU_MAX,
} from '../domain/event-fields';

const ITEM_DOC = [
  'One storefront event. Every item is checked on its own, so a bad item is listed in',
  '`rejected` (with the field at fault) while the others are accepted. Fields: `eventId`,',
  `\`type\` (${EVENT_TYPES.join(', ')}), \`userId\` or \`sessionId\`, \`itemId\` (the SKU of a`,
  'sale line; absent for a search), `timestamp` and, where they apply, `quantity`, `price`,',
  '`currency`, `query` (search), `category`; sale lines also take `orderId` (required),',
  '`line`, `country`, `description`, `warehouse`, and require `price` and `currency`.',
  'Ids (`eventId`, `userId`, `sessionId`, `orderId`, `itemId`, `warehouse`) match',
  `\`${ID_PATTERN.source}\` and are at most ${ID_MAX} characters (\`sessionId\``,
  `${SESSION_ID_MAX}, \`itemId\` and \`warehouse\` ${SKU_MAX}).`,
  '`timestamp` is ISO 8601 with seconds and a zone, a real calendar instant from',
  '1970-01-01T00:00:00Z to a day from now. `quantity` is a whole number within',
  `±${QUANTITY_MAX} (not 0 on a sale line, whose sign the type sets); \`price\` is from 0 to`,
  `${PRICE_MAX}, and so is a sale line's price times quantity; \`currency\` is three capital`,
  'letters (ISO 4217). Text fields (`query`,',
  '`category`, `country`, `description`) hold no control characters other than tab and line',
  'breaks, and no lone surrogates.',
].join(' ');

export const IngestBody = Type.Object(
  {
    events: Type.Array(Type.Unknown({ description: ITEM_DOC }), {
      description: `At most ${MAX_EVENTS_PER_BATCH} events.`,
    }),
  },
  { description: 'A batch of clickstream and sale events', additionalProperties: false },
);

export const IngestResult = Type.Object(
  {
    accepted: Type.Integer({ minimum: 0, description: 'Events published' }),
    rejected: Type.Array(
      Type.Object({
        index: Type.Integer({ minimum: 0, description: 'Position of the item in `events`' }),
        field: Type.String({ description: 'The field at fault, e.g. `timestamp`' }),
        message: Type.String(),
      }),
    ),
  },
  { description: 'What was accepted and, per rejected item, why not' },
);
