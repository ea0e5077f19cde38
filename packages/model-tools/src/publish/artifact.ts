import { createHash } from 'node:crypto';
import type { ModelArtifact, ModelFormat, Quantization } from '@edgewise/protocol';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function describeArtifact(
  bytes: Uint8Array,
  options: {
    url: string;
    format: ModelFormat;
    quantization: Quantization;
    metrics?: Record<string, number>;
    backends?: ModelArtifact['backends'];
  },
): ModelArtifact {
  return {
    url: options.url,
    format: options.format,
    sha256: sha256Hex(bytes),
    bytes: bytes.byteLength,
    quantization: options.quantization,
    ...(options.backends ? { backends: options.backends } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
}
