import type { ExperimentConfig } from '@edgewise/sdk';

// The results format lives in @edgewise/protocol: A/B tests count users, bandits decisions.
export type { ArmResult, ExperimentResults } from '@edgewise/protocol';

import type { ExperimentResults } from '@edgewise/protocol';

async function getJson<T>(url: string, what: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
    throw new Error(
      `the server could not give ${what} (${response.status}${body?.message ? `: ${body.message}` : ''})`,
    );
  }
  return (await response.json()) as T;
}

export async function fetchExperiments(): Promise<ExperimentConfig[]> {
  return (await getJson<{ experiments: ExperimentConfig[] }>('/v1/experiments', 'the experiments'))
    .experiments;
}

/** One experiment with the weights of the server's latest policy run, never from an HTTP cache. */
export function fetchExperiment(key: string): Promise<ExperimentConfig> {
  return getJson(`/v1/experiments/${encodeURIComponent(key)}`, `experiment ${key}`);
}

export function fetchResults(key: string): Promise<ExperimentResults> {
  return getJson(`/v1/experiments/${encodeURIComponent(key)}/results`, `the results of ${key}`);
}
