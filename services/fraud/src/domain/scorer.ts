import type { FraudModelArtefact } from '../model/artefact';
import { margin } from '../model/artefact';
import { applyPlatt } from '../model/calibration';
import { modelReasons, unknownReason, type Reason } from './explain';
import { buildFeatures, observationOf, type FeatureContext } from './features';
import type { Order } from './order';
import { emptyRules, evaluateRules, type RuleSet } from './rules';
import { emptyObserved, type VelocityStore } from './velocity';

export type RiskLevel = 'normal' | 'elevated' | 'highest';
export type DecisionKind = 'approve' | 'review' | 'decline';

export interface Decision {
  transactionId: string;
  customerId: string;
  score: number;
  riskLevel: RiskLevel;
  decision: DecisionKind;
  reasons: Reason[];
  modelVersion: string;
  decidedAt: number;
  /** The feature vector, kept with the stored decision for later training. */
  features: number[];
}

export const RULES_ONLY_VERSION = 'rules-only';

export interface ScorerDeps {
  velocity: VelocityStore;
  /** The current rules (cached by the caller). */
  rules: () => Promise<RuleSet>;
  /** Undefined when no model is loaded: the scorer then applies rules only. */
  model: () => FraudModelArtefact | undefined;
  context: FeatureContext;
  now?: () => number;
}

function riskLevel(score: number, model: FraudModelArtefact | undefined): RiskLevel {
  if (model === undefined) return 'normal';
  if (score >= model.thresholds.decline) return 'highest';
  return score >= model.thresholds.review ? 'elevated' : 'normal';
}

/**
 * Scores an order: velocity before it (and counts it), features, the model's calibrated
 * probability and reasons, then the rules, which override the model's decision.
 */
export async function scoreOrder(deps: ScorerDeps, order: Order): Promise<Decision> {
  const model = deps.model();
  const degraded: Reason[] = [];
  // A store that fails must not fail the checkout: the order is scored without it, and the
  // answer says what was missing.
  const [observed, rules] = await Promise.all([
    deps.velocity.observe(observationOf(order), 'replace').catch(() => {
      degraded.push({
        code: 'VELOCITY_UNAVAILABLE',
        detail: 'velocity store unreachable',
        weight: 0,
      });
      return emptyObserved();
    }),
    deps.rules().catch(() => {
      degraded.push({ code: 'RULES_UNAVAILABLE', detail: 'rules could not be loaded', weight: 0 });
      return emptyRules();
    }),
  ]);
  const context = model ? { ...deps.context, countryRisk: model.countryRisk } : deps.context;
  const { values, facts } = buildFeatures(order, observed, context);

  const reasons: Reason[] = [];
  let score = 0;
  if (model) {
    const contributions = new Float64Array(values.length);
    score = applyPlatt(model.calibration, margin(model, values, contributions));
    reasons.push(...modelReasons(contributions, order, facts));
  } else {
    reasons.push({
      code: 'MODEL_UNAVAILABLE',
      detail: 'no trained model is loaded: rules only',
      weight: 0,
    });
  }
  if (!Number.isFinite(score)) score = 0;
  score = Math.min(1, Math.max(0, score));

  let level = riskLevel(score, model);
  let decision: DecisionKind =
    level === 'highest' ? 'decline' : level === 'elevated' ? 'review' : 'approve';
  const hits = evaluateRules(rules, order, facts);
  if (hits.some((h) => h.action === 'decline')) {
    decision = 'decline';
    level = 'highest';
  } else if (hits.some((h) => h.action === 'approve')) {
    decision = 'approve';
  }
  const ruleReasons = hits.map((h) => ({
    code: h.code,
    detail: h.detail,
    weight: h.action === 'decline' ? 1 : -1,
  }));
  const unknown = unknownReason(facts);

  return {
    transactionId: order.transactionId,
    customerId: order.customerId,
    score: Math.round(score * 1e6) / 1e6,
    riskLevel: level,
    decision,
    reasons: [...ruleReasons, ...degraded, ...(unknown ? [unknown] : []), ...reasons],
    modelVersion: model?.version ?? RULES_ONLY_VERSION,
    decidedAt: (deps.now ?? Date.now)(),
    // Four decimals keep the stored vector small and are plenty to retrain on.
    features: Array.from(values, (v) => Math.round(v * 1e4) / 1e4),
  };
}
