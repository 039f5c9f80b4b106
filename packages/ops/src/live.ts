/** One sample call through the gateway and a one-line account of its answer. */
interface Sample {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  describe: (json: any) => string; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const SAMPLES: Sample[] = [
  {
    label: 'recommendations for customer 17850',
    method: 'GET',
    path: '/v1/recommendations/users/17850?limit=5',
    describe: (j) =>
      `${j.strategy}: ${j.items.map((i: { itemId: string }) => i.itemId).join(', ')}`,
  },
  {
    label: 'forecast for SKU 85123A (7 days)',
    method: 'GET',
    path: '/v1/forecasts/85123A?horizon=7',
    describe: (j) => `${j.model}: ${j.mean.map((v: number) => v.toFixed(1)).join(' ')}`,
  },
  {
    label: 'restock signals',
    method: 'GET',
    path: '/v1/inventory/restock-signals?limit=3',
    describe: (j) =>
      (j.items ?? j.signals ?? [])
        .map((s: { sku: string; urgency: string }) => `${s.sku} (${s.urgency})`)
        .join(', ') || 'none',
  },
  {
    label: 'price recommendation for 85123A',
    method: 'GET',
    path: '/v1/pricing/85123A/recommendation?objective=margin',
    describe: (j) => `${j.currentPrice} → ${j.recommendedPrice}, bound by ${j.boundBy?.join(', ')}`,
  },
  {
    label: 'fraud score',
    method: 'POST',
    path: '/v1/fraud/score',
    body: {
      transactionId: `demo-${Date.now()}`,
      customerId: 'demo-customer',
      amount: 129.5,
      createdAt: new Date().toISOString(),
      accountCreatedAt: new Date(Date.now() - 30_000).toISOString(),
      deviceId: 'DEMODEVICE01',
      ipAddress: '81.2.69.160',
      channel: 'Ads',
      browser: 'Chrome',
    },
    describe: (j) => `score ${Number(j.score).toFixed(3)}, ${j.decision} (${j.riskLevel})`,
  },
  {
    label: 'support message',
    method: 'POST',
    path: '/v1/support/messages',
    body: { text: 'Hi, where is my order 536365?' },
    describe: (j) => `${j.intent} (${Number(j.confidence).toFixed(2)}): ${j.reply}`,
  },
];

/** Calls a few routes through the gateway and returns a line per answer. */
export async function liveAnswers(gatewayUrl: string, key: string): Promise<string[]> {
  const lines: string[] = [];
  for (const sample of SAMPLES) {
    let line: string;
    try {
      const response = await fetch(gatewayUrl + sample.path, {
        method: sample.method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: sample.body === undefined ? undefined : JSON.stringify(sample.body),
        signal: AbortSignal.timeout(15_000),
      });
      const json: unknown = await response.json();
      line = response.ok
        ? sample.describe(json)
        : `HTTP ${response.status} ${(json as { message?: string }).message ?? ''}`;
    } catch (error) {
      line = `no answer (${(error as Error).message})`;
    }
    lines.push(`  ${sample.label}: ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
  }
  return lines;
}

/**
 * Why the gateway cannot be reached (nothing listening, no answer in time), or undefined
 * when it answers at all: waiting minutes for models behind a gateway that is down helps
 * nobody.
 */
export async function gatewayProblem(gatewayUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${gatewayUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error as Error).message;
  }
}

/**
 * Waits until the recommendation models have been rebuilt on stored interactions (the
 * service rebuilds shortly after a bulk load goes quiet). Returns whether they were in time.
 */
export async function waitForRecommendationModels(
  gatewayUrl: string,
  key: string,
  timeoutMs = 180_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${gatewayUrl}/v1/recommendations/popular?limit=1`, {
        headers: { 'x-api-key': key },
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await response.json()) as { items?: unknown[] };
      if (response.ok && (json.items?.length ?? 0) > 0) return true;
    } catch {
      // The service holds its event loop while it rebuilds; ask again.
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return false;
}
