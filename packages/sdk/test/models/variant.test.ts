import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import type { ModelVersion } from '../../src/models/manifest-types.js';
import { pickVariant } from '../../src/models/variant.js';
import { realManifest } from './helpers/manifests.js';

const iris = realManifest().models.iris?.versions['1.0.0'] as ModelVersion;
const pick = (request: Parameters<typeof pickVariant>[3]) =>
  pickVariant('iris', '1.0.0', iris, request).variantId;

function version(variants: ModelVersion['variants'], base: Partial<ModelVersion> = {}): ModelVersion {
  return {
    url: 'm.onnx',
    format: 'onnx',
    sha256: 'a'.repeat(64),
    bytes: 1,
    quantization: 'fp32',
    inputs: [],
    outputs: [],
    createdAt: '2026-01-01T00:00:00Z',
    status: 'approved',
    ...base,
    ...(variants ? { variants } : {}),
  };
}
const artifact = (over: Partial<NonNullable<ModelVersion['variants']>[string]>) => ({
  url: 'v',
  format: 'onnx' as const,
  sha256: 'b'.repeat(64),
  bytes: 1,
  quantization: 'fp32' as const,
  ...over,
});

describe('pickVariant on the real iris manifest', () => {
  it('gives the base fp32 ONNX file when no backend or format is asked for', () => {
    expect(pick({})).toBe('base');
  });

  it('gives WASM the int8 ONNX variant, the one that names wasm first', () => {
    expect(pick({ backend: 'wasm' })).toBe('int8');
  });

  it('never gives WebGPU the int8 MatMulInteger file; it gets int4, which names webgpu', () => {
    expect(pick({ backend: 'webgpu' })).toBe('int4');
  });

  it('gives remote inference the full-precision base file', () => {
    expect(pick({ backend: 'remote' })).toBe('base');
  });

  it('keeps to the requested format: tflite int8 for WASM, tflite fp32 for WebGPU and by default', () => {
    expect(pick({ format: 'tflite', backend: 'wasm' })).toBe('tflite-int8');
    expect(pick({ format: 'tflite', backend: 'webgpu' })).toBe('tflite-fp32');
    expect(pick({ format: 'tflite' })).toBe('tflite-fp32');
  });

  it('returns the artifact with the sha256 and size the manifest lists for that file', () => {
    const { artifact } = pickVariant('iris', '1.0.0', iris, { backend: 'wasm' });
    expect(artifact).toEqual(iris.variants?.int8);
    expect(pickVariant('iris', '1.0.0', iris).artifact).toMatchObject({ url: iris.url, sha256: iris.sha256 });
  });

  it('takes a forced variant as is, even against the backend rule', () => {
    expect(pick({ variant: 'int8', backend: 'webgpu' })).toBe('int8');
    expect(pick({ variant: 'base', backend: 'wasm' })).toBe('base');
  });

  it('refuses an unknown forced variant, listing the ones there are', () => {
    expect(() => pick({ variant: 'fp16' })).toThrowError(/no variant 'fp16'.*'base', 'int8', 'int4'/);
    try {
      pick({ variant: 'fp16' });
    } catch (e) {
      expect((e as EdgewiseError).code).toBe('VERSION_NOT_FOUND');
    }
  });

  it('refuses a forced variant of another format than the one asked for (CONFIG)', () => {
    expect(() => pick({ variant: 'int8', format: 'tflite' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }) as unknown as Error,
    );
  });
});

describe('pickVariant rule on made-up versions', () => {
  it('prefers fp16 over fp32 on WebGPU when neither names a backend', () => {
    const v = version({ fp16: artifact({ quantization: 'fp16' }) });
    expect(pickVariant('m', '1', v, { backend: 'webgpu' }).variantId).toBe('fp16');
    expect(pickVariant('m', '1', v, { backend: 'wasm' }).variantId).toBe('base');
  });

  it('ranks by the backend position in the file list before the quantization', () => {
    const v = version({
      a: artifact({ quantization: 'int8', backends: ['webgpu', 'wasm'] }),
      b: artifact({ quantization: 'int4', backends: ['wasm'] }),
    });
    expect(pickVariant('m', '1', v, { backend: 'wasm' }).variantId).toBe('b');
  });

  it('prefers the base format when no format is asked, even over a better-quantized other format', () => {
    const v = version({ t: artifact({ format: 'tflite', quantization: 'int8' }) });
    expect(pickVariant('m', '1', v, { backend: 'wasm' }).variantId).toBe('base');
  });

  it('lets a file that names the backend win over the base format', () => {
    const v = version({ t: artifact({ format: 'tflite', quantization: 'int8', backends: ['wasm'] }) });
    expect(pickVariant('m', '1', v, { backend: 'wasm' }).variantId).toBe('t');
  });

  it('keeps the order of variants for full ties', () => {
    const v = version({ x: artifact({ backends: ['wasm'] }), y: artifact({ backends: ['wasm'] }) });
    expect(pickVariant('m', '1', v, { backend: 'wasm' }).variantId).toBe('x');
  });

  it('says which files exist when none suits the backend and format', () => {
    const v = version({ q: artifact({ quantization: 'int8', backends: ['wasm'] }) }, { backends: ['wasm'] });
    expect(() => pickVariant('m', '1', v, { backend: 'webgpu' })).toThrowError(
      /no file for backend webgpu; its files are 'base' \(onnx, wasm\), 'q' \(onnx, wasm\)/,
    );
    expect(() => pickVariant('m', '1', v, { format: 'tflite' })).toThrow(EdgewiseError);
  });
});

describe('pickVariant and shader-f16 on WebGPU', () => {
  const both = () => version({ fp16: artifact({ quantization: 'fp16' }) });
  const onlyFp16 = () => version(undefined, { quantization: 'fp16' });

  it('keeps fp16 first for WebGPU with shader-f16 (and when it is unknown)', () => {
    expect(pickVariant('m', '1', both(), { backend: 'webgpu', shaderF16: true }).variantId).toBe('fp16');
    expect(pickVariant('m', '1', both(), { backend: 'webgpu' }).variantId).toBe('fp16');
  });

  it('gives WebGPU the fp32 file instead of fp16 without shader-f16', () => {
    const picked = pickVariant('m', '1', both(), { backend: 'webgpu', shaderF16: false });
    expect(picked.variantId).toBe('base');
    expect(picked.artifact.quantization).toBe('fp32');
  });

  it('takes the next-ranked file, not only fp32: int4 beats int8 for WebGPU', () => {
    const v = version(
      { int4: artifact({ quantization: 'int4' }), int8: artifact({ quantization: 'int8' }) },
      { quantization: 'fp16' },
    );
    expect(pickVariant('m', '1', v, { backend: 'webgpu', shaderF16: false }).variantId).toBe('int4');
  });

  it('leaves WASM and the server alone: they run fp16 ONNX files without any GPU feature', () => {
    expect(pickVariant('m', '1', onlyFp16(), { backend: 'wasm', shaderF16: false }).variantId).toBe('base');
    expect(pickVariant('m', '1', onlyFp16(), { backend: 'remote', shaderF16: false }).variantId).toBe('base');
  });

  it('has no file for WebGPU when the version has only fp16 files, and says why (noMatchingFile)', () => {
    let error: unknown;
    try {
      pickVariant('m', '1', onlyFp16(), { backend: 'webgpu', shaderF16: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgewiseError);
    expect((error as EdgewiseError).code).toBe('VERSION_NOT_FOUND');
    expect((error as EdgewiseError).details).toMatchObject({ noMatchingFile: true, shaderF16: false });
    expect((error as Error).message).toMatch(
      /no shader-f16 on this WebGPU adapter, and for m@1 its only files for webgpu are fp16 \('base'\).*WASM can run them/,
    );
  });

  it('refuses a forced fp16 variant on WebGPU without shader-f16, the same way', () => {
    expect(() =>
      pickVariant('m', '1', both(), { variant: 'fp16', backend: 'webgpu', shaderF16: false }),
    ).toThrow(
      expect.objectContaining({
        code: 'VERSION_NOT_FOUND',
        message: expect.stringMatching(/forced variant 'fp16' is fp16/),
      }) as unknown as Error,
    );
    expect(
      pickVariant('m', '1', both(), { variant: 'fp16', backend: 'wasm', shaderF16: false }).variantId,
    ).toBe('fp16');
  });

  it('keeps fp16 TFLite files: only onnxruntime-web needs shader-f16 for them', () => {
    const v = version(undefined, { format: 'tflite', quantization: 'fp16' });
    expect(pickVariant('m', '1', v, { backend: 'webgpu', shaderF16: false }).variantId).toBe('base');
  });
});
