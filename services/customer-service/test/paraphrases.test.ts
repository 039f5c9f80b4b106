import { gerund, paraphrases } from '../src/nlu/paraphrases';

describe('training paraphrases of our own', () => {
  it('puts a verb phrase in the -ing form, doubling or dropping letters where English does', () => {
    expect(gerund('cancel my order')).toBe('cancelling my order');
    expect(gerund('set up a shipping address')).toBe('setting up a shipping address');
    expect(gerund('make a complaint')).toBe('making a complaint');
    expect(gerund('see the cancellation penalty')).toBe('seeing the cancellation penalty');
    expect(gerund('track my refund')).toBe('tracking my refund');
  });

  it('says every intent of the data many ways, each sentence once', () => {
    const rows = paraphrases();
    const perIntent = new Map<string, number>();
    for (const r of rows) perIntent.set(r.intent, (perIntent.get(r.intent) ?? 0) + 1);
    expect(perIntent.size).toBe(27);
    for (const n of perIntent.values()) expect(n).toBeGreaterThanOrEqual(50);
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
    expect(rows).toContainEqual({ text: 'how can I place an order?', intent: 'place_order' });
  });
});
