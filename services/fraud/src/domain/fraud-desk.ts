import type { FeedbackLabel, StoredFeedback } from '../adapters/feedback-repository';
import type { ListContents } from '../adapters/rules-repository';
import type { ModelHolder } from '../model/model-holder';
import type { Order } from './order';
import { LIST_KINDS, type Limits, type ListKind, type RuleSet } from './rules';
import { scoreOrder, RULES_ONLY_VERSION, type Decision, type ScorerDeps } from './scorer';

/** What the fraud desk needs from storage. */
export interface FraudDeskDeps extends ScorerDeps {
  models: ModelHolder;
  decisions: { append(decision: Decision, order: Order): void };
  feedback: { record(id: string, label: FeedbackLabel, note?: string): Promise<StoredFeedback> };
  rulesStore: {
    list(kind: ListKind): Promise<ListContents>;
    replaceList(kind: ListKind, block: string[], allow: string[]): Promise<ListContents>;
    limits(): Promise<Limits>;
    replaceLimits(limits: Limits): Promise<Limits>;
  };
}

export interface RulesView {
  limits: Limits;
  lists: Record<ListKind, { block: string[]; allow: string[] }>;
}

/** The fraud service's operations, one per route. */
export function fraudDesk(deps: FraudDeskDeps) {
  async function rules(): Promise<RulesView> {
    const lists = await Promise.all(LIST_KINDS.map((k) => deps.rulesStore.list(k)));
    const view = {} as RulesView['lists'];
    for (const l of lists) view[l.kind] = { block: l.block, allow: l.allow };
    return { limits: await deps.rulesStore.limits(), lists: view };
  }

  return {
    /** Scores an order, counts it for velocity and queues the decision to be stored. */
    async score(order: Order): Promise<Omit<Decision, 'features' | 'decidedAt' | 'customerId'>> {
      const decision = await scoreOrder(deps, order);
      deps.decisions.append(decision, order);
      const {
        transactionId,
        score,
        riskLevel,
        decision: outcome,
        reasons,
        modelVersion,
      } = decision;
      return { transactionId, score, riskLevel, decision: outcome, reasons, modelVersion };
    },

    feedback(transactionId: string, label: FeedbackLabel, note?: string): Promise<StoredFeedback> {
      return deps.feedback.record(transactionId, label, note);
    },

    rules,

    async replaceRules(change: {
      limits?: Limits;
      lists?: Partial<Record<ListKind, { block: string[]; allow: string[] }>>;
    }): Promise<RulesView> {
      if (change.limits) await deps.rulesStore.replaceLimits(change.limits);
      for (const kind of LIST_KINDS) {
        const list = change.lists?.[kind];
        if (list) await deps.rulesStore.replaceList(kind, list.block, list.allow);
      }
      return rules();
    },

    list: (kind: ListKind) => deps.rulesStore.list(kind),
    replaceList: (kind: ListKind, block: string[], allow: string[]) =>
      deps.rulesStore.replaceList(kind, block, allow),

    model() {
      const artefact = deps.models.current();
      const { mode, detail } = deps.models.status();
      return {
        mode,
        detail,
        modelVersion: artefact?.version ?? RULES_ONLY_VERSION,
        ...(artefact
          ? { thresholds: artefact.thresholds, features: artefact.features.length }
          : {}),
      };
    },
  };
}

export type FraudDesk = ReturnType<typeof fraudDesk>;
export type { RuleSet };
