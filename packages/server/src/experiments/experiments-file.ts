import { readFile } from 'node:fs/promises';
import type { ExperimentDefinition } from '../storage/records.js';
import { parseExperiment } from './experiment-schema.js';
import { overlapWithin } from './namespace-overlap.js';

/** Reads `--experiments file.json`: an array of definitions, or `{ "experiments": [...] }`. */
export async function readExperimentsFile(path: string): Promise<ExperimentDefinition[]> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { experiments?: unknown })?.experiments;
  if (!Array.isArray(list))
    throw new Error(`${path} must hold an array of experiments or { "experiments": [...] }`);
  const definitions = list.map((raw, i) => parseExperiment(raw, `${path} experiments[${i}]`));
  const overlap = overlapWithin(definitions);
  if (overlap) throw new Error(`${path} ${overlap}`);
  return definitions;
}
