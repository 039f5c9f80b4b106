import { createLogger } from '@qm/kit';
import type { FraudAppDeps } from '../src/app';
import { FEATURE_NAMES } from '../src/domain/features';
import type { Order } from '../src/domain/order';
import { emptyRules, type Limits, type ListKind, type RuleSet } from '../src/domain/rules';
import type { Decision } from '../src/domain/scorer';
import { MemoryVelocityStore } from '../src/domain/velocity';
import type { FraudModelArtefact } from '../src/model/artefact';
import { ModelHolder } from '../src/model/model-holder';

/**
 * A hand-written logistic model: risk rises with orders from the same device in the last
 * minute, with the other customers the device ever had and with a purchase right after
 * signup. Small enough to reason about in tests.
 */
export function testArtefact(): FraudModelArtefact {
  const weights = FEATURE_NAMES.map((name) => {
    if (name === 'device_1m_orders') return 1.5;
    if (name === 'signup_gap_under_2m') return 3;
    if (name === 'device_accounts_all') return 1;
    return 0;
  });
  return {
    version: 'test-model-1',
    createdAt: '2026-01-01T00:00:00.000Z',
    features: [...FEATURE_NAMES],
    model: {
      kind: 'logistic',
      means: FEATURE_NAMES.map(() => 0),
      scales: FEATURE_NAMES.map(() => 1),
      weights,
      bias: -3,
    },
    calibration: { a: 1, b: 0 },
    thresholds: { review: 0.3, decline: 0.9 },
    countryRisk: { rates: {}, prior: 0 },
    validation: {},
  };
}

/** Rules kept in memory, with the same operations as the PostgreSQL repository. */
export class MemoryRules {
  rules: RuleSet = emptyRules();

  async current(): Promise<RuleSet> {
    return this.rules;
  }

  async list(kind: ListKind) {
    return {
      kind,
      block: [...this.rules.lists.block[kind]],
      allow: [...this.rules.lists.allow[kind]],
    };
  }

  async replaceList(kind: ListKind, block: string[], allow: string[]) {
    this.rules.lists.block[kind] = new Set(block);
    this.rules.lists.allow[kind] = new Set(allow.filter((v) => !block.includes(v)));
    return this.list(kind);
  }

  async limits(): Promise<Limits> {
    return this.rules.limits;
  }

  async replaceLimits(limits: Limits): Promise<Limits> {
    this.rules.limits = { ...limits };
    return this.rules.limits;
  }
}

export interface Fakes {
  deps: FraudAppDeps;
  rules: MemoryRules;
  decisions: { decision: Decision; order: Order }[];
  feedback: Map<string, string>;
}

/** App dependencies with memory stores in place of Redis and PostgreSQL. */
export function fakeDeps(artefact: FraudModelArtefact | null = testArtefact()): Fakes {
  const rules = new MemoryRules();
  const decisions: Fakes['decisions'] = [];
  const feedback = new Map<string, string>();
  const models = new ModelHolder(artefact ?? undefined);
  if (!artefact) models.rulesOnly('no model in this test');
  const deps: FraudAppDeps = {
    logger: createLogger('fraud-test', 'silent'),
    desk: {
      velocity: new MemoryVelocityStore(),
      rules: () => rules.current(),
      model: () => models.current(),
      context: {},
      models,
      decisions: { append: (decision, order) => decisions.push({ decision, order }) },
      feedback: {
        async record(transactionId, label) {
          feedback.set(transactionId, label);
          const known = decisions.some((d) => d.decision.transactionId === transactionId);
          return {
            transactionId,
            label,
            decisionKnown: known,
            receivedAt: new Date().toISOString(),
          };
        },
      },
      rulesStore: rules,
    },
  };
  return { deps, rules, decisions, feedback };
}
