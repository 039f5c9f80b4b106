import { Counter, Gauge, type Registry } from 'prom-client';
import type { PolicyCounts } from '../inventory';

/** Policy work on `/metrics`: policies computed, and keys waiting for a recomputation. */
export function policyCounts(registry: Registry): PolicyCounts {
  const registers = [registry];
  const computed = new Counter({
    name: 'qm_inventory_policies_computed_total',
    help: 'Policies computed, one per SKU and warehouse recomputed',
    registers,
  });
  const stale = new Gauge({
    name: 'qm_inventory_stale_policies',
    help: 'SKUs and warehouses whose policy waits for the sales consumer to catch up',
    registers,
  });
  return { computed: (n) => computed.inc(n), stale: (n) => stale.set(n) };
}
