// Which runtime files an app needs, where they come from in node_modules, and the version hash their
// URLs carry. Node-only: used by the Vite plugin and the e2e harness.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EdgewiseError } from '../errors.js';
import { LITERT_ENTRY } from '../inference/litert-adapter.js';
import { TFJS_TFLITE_SCRIPTS } from '../inference/tfjs-tflite-adapter.js';

export interface RuntimeSelection {
  /** LiteRT.js (the default TFLite runtime), from the optional peer @litertjs/core. */
  tflite?: boolean;
  /** @tensorflow/tfjs-tflite, for `tfliteRuntime: 'tfjs-tflite'`; optional peers too. */
  tfjsTflite?: boolean;
  /** Where else to look for the runtime packages (the app's root), after the SDK's own location. */
  resolveFrom?: string[];
}

/** One file under the runtime folder: copied from `file`, or rewritten by `transform`. */
export interface RuntimeFile {
  file: string;
  transform?: (source: Buffer) => Buffer;
}

export interface RuntimeFiles {
  /** By path under the runtime folder (`ort.wasm.min.mjs`, `litert/litert.mjs`, …). */
  files: Map<string, RuntimeFile>;
  /** 10 hex digits from the SDK's and the runtimes' versions and the file list: the URL's version. */
  hash: string;
}

/** The onnxruntime-web files the worker may import: the JSEP (WebGPU + WASM) and WASM-only builds. */
const ORT_FILES = [
  'ort.min.mjs',
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
];

/** What a browser that runs ONNX on WASM fetches: precached by the offline service worker. */
export const ORT_WASM_FILES = [
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
];

interface Package {
  dir: string;
  version: string;
}

/**
 * A package's folder, or undefined when it is not installed. Walks up from its entry, because packages
 * with an "exports" map (onnxruntime-web) refuse `require.resolve('<name>/package.json')`.
 */
function findPackage(name: string, from: string[]): Package | undefined {
  for (const origin of from) {
    let entry: string;
    try {
      entry = createRequire(origin).resolve(name);
    } catch {
      continue;
    }
    for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === name) return { dir, version: json.version ?? '0.0.0' };
    }
  }
  return undefined;
}

function requirePackage(name: string, from: string[], option: string): Package {
  const found = findPackage(name, from);
  if (!found) {
    throw new EdgewiseError(
      'CONFIG',
      `edgewise({ ${option} }) needs ${name}, an optional peer of @edgewise/sdk that is not installed: npm install ${name}, or drop ${option}`,
    );
  }
  return found;
}

/** Points an ESM file's bare import of `name` at a sibling file: browsers cannot resolve bare names. */
function rewriteImport(name: string, to: string): (source: Buffer) => Buffer {
  return (source) => {
    const text = source.toString('utf8');
    const pattern = new RegExp(`(from\\s*|import\\s*\\(\\s*)(["'])${name.replace(/[/@-]/g, '\\$&')}\\2`, 'g');
    if (!pattern.test(text)) throw new Error(`edgewise(): ${name} is no longer imported where expected`);
    return Buffer.from(text.replace(pattern, `$1$2./${to}$2`));
  };
}

function sdkVersion(): string {
  const own = findPackage('@edgewise/sdk', [import.meta.url]);
  return own?.version ?? 'workspace';
}

/** Every runtime file the selection needs, by the path under the runtime folder it is served at. */
export function runtimeFiles(selection: RuntimeSelection = {}): RuntimeFiles {
  const from = [import.meta.url, ...(selection.resolveFrom ?? []).map((dir) => join(dir, 'noop.js'))];
  const files = new Map<string, RuntimeFile>();
  const versions = [`@edgewise/sdk@${sdkVersion()}`];
  const use = (name: string, pkg: Package) => versions.push(`${name}@${pkg.version}`);

  const ort = requirePackage('onnxruntime-web', from, 'onnx');
  use('onnxruntime-web', ort);
  for (const name of ORT_FILES) files.set(name, { file: join(ort.dir, 'dist', name) });

  if (selection.tflite) {
    const core = requirePackage('@litertjs/core', from, 'tflite: true');
    const utils = requirePackage(
      '@litertjs/wasm-utils',
      [join(core.dir, 'package.json'), ...from],
      'tflite: true',
    );
    use('@litertjs/core', core);
    use('@litertjs/wasm-utils', utils);
    files.set(`litert/${LITERT_ENTRY}`, {
      file: join(core.dir, 'dist/index.js'),
      transform: rewriteImport('@litertjs/wasm-utils', 'litert-wasm-utils.mjs'),
    });
    files.set('litert/litert-wasm-utils.mjs', { file: join(utils.dir, 'dist/index.js') });
    for (const name of readdirSync(join(core.dir, 'wasm'))) {
      // LiteRT picks one build by browser features; the JSPI one is opt-in and not used by the SDK.
      if (/^litert_wasm_(threaded_|compat_)?internal\.(js|wasm)$/.test(name))
        files.set(`litert/${name}`, { file: join(core.dir, 'wasm', name) });
    }
  }

  if (selection.tfjsTflite) {
    const tflite = requirePackage('@tensorflow/tfjs-tflite', from, 'tfjsTflite: true');
    // tfjs-tflite pins its tfjs-core peer; the CPU backend only holds tensor data, any 4.x will do.
    const near = [join(tflite.dir, 'package.json'), ...from];
    const core = requirePackage('@tensorflow/tfjs-core', near, 'tfjsTflite: true');
    const cpu = requirePackage('@tensorflow/tfjs-backend-cpu', near, 'tfjsTflite: true');
    for (const [name, pkg] of [
      ['@tensorflow/tfjs-tflite', tflite],
      ['@tensorflow/tfjs-core', core],
      ['@tensorflow/tfjs-backend-cpu', cpu],
    ] as const)
      use(name, pkg);
    const [coreScript, cpuScript, tfliteScript] = TFJS_TFLITE_SCRIPTS as [string, string, string];
    files.set(`tfjs-tflite/${coreScript}`, { file: join(core.dir, 'dist/tf-core.min.js') });
    files.set(`tfjs-tflite/${cpuScript}`, { file: join(cpu.dir, 'dist/tf-backend-cpu.min.js') });
    files.set(`tfjs-tflite/${tfliteScript}`, { file: join(tflite.dir, 'dist/tf-tflite.min.js') });
    for (const name of readdirSync(join(tflite.dir, 'wasm'))) {
      // One glue + WASM pair per feature set (SIMD, threads); the pthread worker script is inlined.
      if (/^tflite_web_api_cc(_simd)?(_threaded)?\.(js|wasm)$/.test(name))
        files.set(`tfjs-tflite/${name}`, { file: join(tflite.dir, 'wasm', name) });
    }
  }

  const hash = createHash('sha256')
    .update(JSON.stringify([versions, [...files.keys()].sort()]))
    .digest('hex')
    .slice(0, 10);
  return { files, hash };
}

/** A runtime file's bytes, as served and emitted. */
export function readRuntimeFile(entry: RuntimeFile): Buffer {
  const bytes = readFileSync(entry.file);
  return entry.transform ? entry.transform(bytes) : bytes;
}

/** True when a manifest file (models/manifest.json) lists any TFLite model file. */
export function manifestNeedsTflite(path: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EdgewiseError(
      'CONFIG',
      `edgewise({ manifest }) could not read ${path} as JSON (${(error as Error).message}): point it at your models/manifest.json, or set tflite instead`,
      { cause: error },
    );
  }
  const seen = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(seen);
    if (!value || typeof value !== 'object') return false;
    const record = value as Record<string, unknown>;
    if (record.format === 'tflite') return true;
    if (typeof record.url === 'string' && record.url.endsWith('.tflite')) return true;
    return Object.values(record).some(seen);
  };
  return seen(manifest);
}
