import type { ModelArtifact, ModelEntry, ModelManifest, ModelVersion } from '@edgewise/protocol';

/** The model manifest served at /v1/manifest: the protocol's `ModelManifest`, under the server's old names. */
export type ManifestArtifact = ModelArtifact;
export type ManifestVersion = ModelVersion;
export type ManifestEntry = ModelEntry;
export type Manifest = ModelManifest;
