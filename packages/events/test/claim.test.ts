import { claimEvents } from '../src/claim';

describe('claimEvents', () => {
  it('refuses a table name that is not a plain identifier', async () => {
    const client = { query: jest.fn() };

    await expect(claimEvents(client as never, 'x; drop table y', ['a'])).rejects.toThrow(
      /table name/,
    );
    expect(client.query).not.toHaveBeenCalled();
  });

  it('sends each id once in one statement and returns those the database reports new', async () => {
    const client = { query: jest.fn(async () => ({ rows: [{ event_id: 'b' }] })) };

    const fresh = await claimEvents(client as never, 'forecasting.processed_events', [
      'a',
      'b',
      'a',
    ]);

    expect(fresh).toEqual(new Set(['b']));
    expect(client.query).toHaveBeenCalledTimes(1);
    expect(client.query.mock.calls[0]).toEqual([
      expect.stringContaining('INSERT INTO forecasting.processed_events'),
      [['a', 'b']],
    ]);
  });

  it('does not touch the database for an empty list', async () => {
    const client = { query: jest.fn() };

    expect(await claimEvents(client as never, 'processed_events', [])).toEqual(new Set());
    expect(client.query).not.toHaveBeenCalled();
  });
});
