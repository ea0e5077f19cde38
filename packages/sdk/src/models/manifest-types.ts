/**
 * The model manifest types live in @edgewise/protocol (packages/protocol/src/manifest.ts), beside
 * the JSON Schema that model-tools and the server validate with.
 */
export type {
  ExternalDataFile,
  ManifestSignature,
  ModelArtifact,
  ModelEntry,
  ModelFormat,
  ModelManifest,
  ModelVersion,
  Quantization,
  TensorDType,
  TensorSpec,
  VersionStatus,
} from '@edgewise/protocol';
