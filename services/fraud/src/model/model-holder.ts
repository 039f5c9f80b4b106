import type { FraudModelArtefact } from './artefact';

export type ModelMode = 'model' | 'training' | 'rules-only';

/** The model the service scores with, swapped in when training finishes. */
export class ModelHolder {
  private artefact: FraudModelArtefact | undefined;
  private mode: ModelMode = 'rules-only';
  private why = 'no model loaded';

  constructor(artefact?: FraudModelArtefact) {
    if (artefact) this.use(artefact);
  }

  current(): FraudModelArtefact | undefined {
    return this.artefact;
  }

  use(artefact: FraudModelArtefact): void {
    this.artefact = artefact;
    this.mode = 'model';
    this.why = `model ${artefact.version} loaded`;
  }

  training(): void {
    if (!this.artefact) this.mode = 'training';
    this.why = 'training a model from the data set';
  }

  rulesOnly(why: string): void {
    if (!this.artefact) this.mode = 'rules-only';
    this.why = why;
  }

  status(): { mode: ModelMode; detail: string } {
    return { mode: this.mode, detail: this.why };
  }

  /** Readiness: fails, saying why, while the service scores by rules only. */
  check(): Promise<void> {
    return this.mode === 'model'
      ? Promise.resolve()
      : Promise.reject(new Error(`${this.mode}: ${this.why}`));
  }
}
