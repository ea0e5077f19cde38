import type { ModelArtifact, ModelManifest, ModelVersion } from '@edgewise/sdk';
import { ENDPOINTS } from './client.js';

/** The manifest, for listing models in the UI (the SDK fetches and verifies its own copy to load). */
export async function fetchManifest(): Promise<ModelManifest> {
  const response = await fetch(ENDPOINTS.manifest);
  if (!response.ok) throw new Error(`the server answered ${response.status} for the model list`);
  return (await response.json()) as ModelManifest;
}

/** The file a load with this variant id would fetch ('base' is the version's own file). */
export function artifactOf(version: ModelVersion, variant: string): ModelArtifact | undefined {
  return variant === 'base' ? version : version.variants?.[variant];
}

export function variantIds(version: ModelVersion): string[] {
  return ['base', ...Object.keys(version.variants ?? {})];
}
