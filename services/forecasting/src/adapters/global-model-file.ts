import { existsSync, readFileSync } from 'node:fs';
import { GlobalModel, type GlobalArtefact } from '../domain/global/model';

/** The global model written by `train:forecast`, or undefined when there is none yet. */
export function loadGlobalModel(path: string): GlobalModel | undefined {
  if (!existsSync(path)) return undefined;
  const artefact = JSON.parse(readFileSync(path, 'utf8')) as GlobalArtefact;
  return artefact.version === 1 ? new GlobalModel(artefact) : undefined;
}
