import { Type } from '@sinclair/typebox';
import { EVENT_TYPES, MAX_EVENTS_PER_BATCH } from '../domain/events';

const ITEM_DOC = [
  'One storefront event. Every item is checked on its own, so a bad item is listed in',
  '`rejected` while the others are accepted. Fields: `eventId`, `type`',
  `(${EVENT_TYPES.join(', ')}), \`userId\` or \`sessionId\`, \`itemId\` (the SKU of a sale`,
  'line; absent for a search), `timestamp` (ISO 8601 with a zone) and, where they apply,',
  '`quantity`, `price`, `currency`, `query` (search), `category`; sale lines also take',
  '`orderId` (required), `line`, `country`, `description`, `warehouse`.',
].join(' ');

export const IngestBody = Type.Object(
  {
    events: Type.Array(Type.Unknown({ description: ITEM_DOC }), {
      description: `At most ${MAX_EVENTS_PER_BATCH} events.`,
    }),
  },
  { description: 'A batch of clickstream and sale events' },
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
