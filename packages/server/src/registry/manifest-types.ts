/** The model manifest served at /v1/manifest (the SDK's `ModelManifest`; see DESIGN.md › Formats). */
export interface ManifestArtifact {
  url: string;
  format: 'onnx' | 'tflite';
  sha256: string;
  bytes: number;
  quantization: string;
  [extra: string]: unknown;
}

export interface ManifestVersion extends ManifestArtifact {
  inputs: unknown[];
  outputs: unknown[];
  createdAt: string;
  status: 'candidate' | 'approved' | 'retired';
  variants?: Record<string, ManifestArtifact>;
}

export interface ManifestEntry {
  channels: Record<string, string>;
  versions: Record<string, ManifestVersion>;
  [extra: string]: unknown;
}

export interface Manifest {
  schemaVersion: 1;
  generatedAt: string;
  models: Record<string, ManifestEntry>;
}
