import { applyMovement, EMPTY_STOCK } from '../src/domain/ledger';
import { DEFAULT_SETTINGS, computePolicy } from '../src/domain/policy';
import { restockSignal, signalFingerprint } from '../src/domain/signals';

describe('applyMovement', () => {
  it('records a sale beyond stock as a backorder instead of negative stock', () => {
    const { level, delta } = applyMovement({ onHand: 3, onOrder: 0, backorders: 0 }, 'SALE', 5);
    expect(level).toEqual({ onHand: 0, onOrder: 0, backorders: 2 });
    expect(delta).toEqual({ onHand: -3, onOrder: 0, backorders: 2 });
  });

  it('serves backorders first from a receipt and takes it off the order book', () => {
    const { level } = applyMovement({ onHand: 0, onOrder: 10, backorders: 4 }, 'RECEIPT', 10);
    expect(level).toEqual({ onHand: 6, onOrder: 0, backorders: 0 });
  });

  it('puts returns and cancellations back, whatever the sign of the quantity', () => {
    expect(applyMovement(EMPTY_STOCK, 'RETURN', -2).level.onHand).toBe(2);
    expect(
      applyMovement({ onHand: 1, onOrder: 0, backorders: 3 }, 'CANCELLATION', -5).level,
    ).toEqual({ onHand: 3, onOrder: 0, backorders: 0 });
  });

  it('stops a negative adjustment at zero and sets the figure on a count', () => {
    expect(
      applyMovement({ onHand: 2, onOrder: 0, backorders: 0 }, 'ADJUSTMENT', -5).level.onHand,
    ).toBe(0);
    expect(applyMovement({ onHand: 2, onOrder: 1, backorders: 0 }, 'COUNT', 40).level).toEqual({
      onHand: 40,
      onOrder: 1,
      backorders: 0,
    });
  });
});

describe('restockSignal', () => {
  const history = Array.from({ length: 90 }, (_, i) => 10 + (i % 3));
  const policyAt = (onHand: number) =>
    computePolicy({ history, onHand, asOf: '2011-11-01', settings: DEFAULT_SETTINGS });

  it('raises a critical signal when customers wait and none above the reorder point', () => {
    const waiting = { onHand: 0, onOrder: 0, backorders: 4 };
    const signal = restockSignal(
      'A',
      'main',
      waiting,
      computePolicy({
        history,
        onHand: 0,
        backorders: 4,
        asOf: '2011-11-01',
        settings: DEFAULT_SETTINGS,
      }),
      7,
    );
    expect(signal?.urgency).toBe('critical');
    expect(signal?.reason).toContain('backordered');
    expect(
      restockSignal('A', 'main', { ...EMPTY_STOCK, onHand: 500 }, policyAt(500), 7),
    ).toBeNull();
  });

  it('keeps the fingerprint when only the days of cover drift', () => {
    const policy = policyAt(20);
    const a = restockSignal('A', 'main', { ...EMPTY_STOCK, onHand: 20 }, policy, 7);
    const b = restockSignal(
      'A',
      'main',
      { ...EMPTY_STOCK, onHand: 20 },
      { ...policy, daysOfCover: policy.daysOfCover + 0.5 },
      7,
    );
    expect(signalFingerprint(a)).toBe(signalFingerprint(b));
    expect(signalFingerprint(null)).toBe('closed');
  });
});
