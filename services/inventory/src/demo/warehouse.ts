import { randomUUID } from 'node:crypto';
import { createLogger, fetchJson, retry } from '@qm/kit';
import { loadWarehouseDemoConfig } from '../config';

/**
 * A simulated warehouse for the demo: it pulls restock signals by cursor, orders what each open
 * signal asks for (booked as an ORDER movement, so it shows as on order), and posts the receipt
 * when the lead time has passed. One order per SKU at a time, as a buyer would.
 */
interface PulledSignal {
  sku: string;
  warehouse: string;
  status: 'open' | 'closed';
  orderQuantity: number;
  urgency: string;
}

interface Page {
  signals: PulledSignal[];
  nextCursor: string;
  hasMore: boolean;
}

interface PendingOrder {
  sku: string;
  warehouse: string;
  quantity: number;
  dueAt: number;
  id: string;
}

/** The open signals a warehouse should order for now: one order per SKU in flight. */
export function ordersToPlace(signals: PulledSignal[], pending: Map<string, PendingOrder>) {
  const latest = new Map<string, PulledSignal>();
  for (const s of signals) latest.set(`${s.sku}\u0000${s.warehouse}`, s);
  return [...latest.entries()]
    .filter(([key, s]) => s.status === 'open' && s.orderQuantity > 0 && !pending.has(key))
    .map(([key, s]) => ({ key, signal: s }));
}

async function main(): Promise<void> {
  const config = loadWarehouseDemoConfig();
  const log = createLogger('demo-warehouse', config.QM_LOG_LEVEL);
  const base = `${config.QM_INVENTORY_URL}/v1/inventory`;
  const pending = new Map<string, PendingOrder>();
  let cursor: string | undefined;
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));

  const post = (movements: object[]) =>
    retry(
      () =>
        fetchJson(`${base}/movements`, {
          requestId: randomUUID(),
          method: 'POST',
          body: { movements },
        }),
      { retries: 3 },
    );

  for (let cycle = 1; !stopping; cycle++) {
    const signals: PulledSignal[] = [];
    for (let more = true; more;) {
      const query = new URLSearchParams({ warehouse: config.QM_DEMO_WAREHOUSE, limit: '500' });
      if (cursor !== undefined) query.set('cursor', cursor);
      const page = await retry(
        () => fetchJson<Page>(`${base}/restock-signals?${query}`, { requestId: randomUUID() }),
        { retries: 3 },
      );
      signals.push(...page.signals);
      cursor = page.nextCursor;
      more = page.hasMore;
    }

    const toOrder = ordersToPlace(signals, pending);
    if (toOrder.length > 0) {
      const dueAt = Date.now() + config.QM_DEMO_LEAD_TIME_SECONDS * 1000;
      const orders = toOrder.map(({ key, signal }) => {
        const order = {
          sku: signal.sku,
          warehouse: signal.warehouse,
          quantity: signal.orderQuantity,
          dueAt,
          id: randomUUID(),
        };
        pending.set(key, order);
        return order;
      });
      await post(
        orders.map((o) => ({
          eventId: `demo-order:${o.id}`,
          sku: o.sku,
          warehouse: o.warehouse,
          kind: 'ORDER',
          quantity: o.quantity,
          reference: o.id,
        })),
      );
    }

    const due = [...pending.entries()].filter(([, o]) => o.dueAt <= Date.now());
    if (due.length > 0) {
      await post(
        due.map(([, o]) => ({
          eventId: `demo-receipt:${o.id}`,
          sku: o.sku,
          warehouse: o.warehouse,
          kind: 'RECEIPT',
          quantity: o.quantity,
          reference: o.id,
        })),
      );
      for (const [key] of due) pending.delete(key);
    }

    log.info(
      {
        cycle,
        signals: signals.length,
        ordered: toOrder.length,
        received: due.length,
        inFlight: pending.size,
        cursor,
      },
      'warehouse cycle',
    );
    if (config.QM_DEMO_CYCLES > 0 && cycle >= config.QM_DEMO_CYCLES) break;
    await new Promise((resolve) => setTimeout(resolve, config.QM_DEMO_POLL_MS));
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
