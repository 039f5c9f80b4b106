import { claimEvents } from '../src/claim';

const events = (...ids: string[]) => ids.map((eventId, n) => ({ eventId, n }));

describe('claimEvents', () => {
  it('refuses a table name that is not a plain identifier', async () => {
    const client = { query: jest.fn() };

    await expect(claimEvents(client as never, 'x; drop table y', events('a'))).rejects.toThrow(
      /table name/,
    );
    expect(client.query).not.toHaveBeenCalled();
  });

  it('sends each id once, in one statement, and returns the events new to the table', async () => {
    const client = { query: jest.fn(async () => ({ rows: [{ event_id: 'b' }] })) };

    const fresh = await claimEvents(
      client as never,
      'forecasting.processed_events',
      events('a', 'b', 'a'),
    );

    expect(fresh).toEqual([{ eventId: 'b', n: 1 }]);
    expect(client.query).toHaveBeenCalledTimes(1);
    expect(client.query.mock.calls[0]).toEqual([
      expect.stringContaining('INSERT INTO forecasting.processed_events'),
      [['a', 'b']],
    ]);
  });

  it('returns an event twice in a batch once, its first copy, in batch order', async () => {
    const client = {
      query: jest.fn(async () => ({ rows: [{ event_id: 'b' }, { event_id: 'a' }] })),
    };

    const fresh = await claimEvents(client as never, 'processed_events', events('a', 'b', 'a'));

    expect(fresh).toEqual([
      { eventId: 'a', n: 0 },
      { eventId: 'b', n: 1 },
    ]);
  });

  it('does not touch the database for an empty list', async () => {
    const client = { query: jest.fn() };

    expect(await claimEvents(client as never, 'processed_events', [])).toEqual([]);
    expect(client.query).not.toHaveBeenCalled();
  });
});
