// Bundle figures: the gzip size of the SDK's main-thread entry with its static imports (as shipped,
// and minified the way an app's bundler would), and what a page downloads before its first prediction.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

/** Relative specifiers of the static imports and re-exports in an ES module (not `import()`). */
export function staticImports(source: string): string[] {
  const found = new Set<string>();
  const pattern = /\b(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
  for (const match of source.matchAll(pattern)) found.add(match[1]!);
  return [...found];
}

/** The entry file and every file it reaches through static imports, entry first. */
export async function staticGraph(entry: string): Promise<string[]> {
  const seen: string[] = [];
  const visit = async (file: string): Promise<void> => {
    if (seen.includes(file)) return;
    seen.push(file);
    const source = await readFile(file, 'utf8');
    for (const spec of staticImports(source)) await visit(join(dirname(file), spec));
  };
  await visit(entry);
  return seen;
}

export interface EntrySize {
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  minifiedGzipBytes: number;
}

export async function entrySize(entry: string): Promise<EntrySize> {
  const files = await staticGraph(entry);
  let rawBytes = 0;
  let gzipBytes = 0;
  let minifiedGzipBytes = 0;
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    rawBytes += Buffer.byteLength(source);
    gzipBytes += gzipSync(source, { level: 9 }).byteLength;
    const { code } = await transform(source, { minify: true, format: 'esm', target: 'es2022' });
    minifiedGzipBytes += gzipSync(code, { level: 9 }).byteLength;
  }
  return { files, rawBytes, gzipBytes, minifiedGzipBytes };
}

/**
 * Minified+gzip size of what an app's bundler keeps when it imports only `names` from the entry (the
 * package declares sideEffects: false). Lazy chunks stay lazy: dynamic imports are left out.
 */
export async function treeShakenGzip(entry: string, names: readonly string[]): Promise<number> {
  const result = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from ${JSON.stringify(entry)};`,
      resolveDir: dirname(entry),
    },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'keep-lazy-chunks-lazy',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            args.kind === 'dynamic-import' ? { external: true } : undefined,
          );
        },
      },
    ],
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).byteLength;
}

/**
 * The modules an entry was built from, largest source first, from its source map: what the bytes are.
 * Source length stands in for output share; the order, not the exact split, is what the note needs.
 */
export async function largestModules(
  entry: string,
  count: number,
): Promise<{ module: string; chars: number }[]> {
  const map = JSON.parse(await readFile(`${entry}.map`, 'utf8').catch(() => '{}')) as {
    sources?: string[];
    sourcesContent?: (string | null)[];
  };
  return (map.sources ?? [])
    .map((source, i) => ({
      // A dependency by its package name, our own code by its path under src/.
      module: /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1] ?? source.replace(/^.*?src\//, ''),
      chars: map.sourcesContent?.[i]?.length ?? 0,
    }))
    .sort((a, b) => b.chars - a.chars)
    .slice(0, count);
}

export interface Download {
  path: string;
  bytes: number;
  gzipBytes: number;
}

/** Sizes of the files behind request paths (each once), raw and gzip-compressed. */
export async function downloads(paths: readonly string[], toFile: (path: string) => string | undefined) {
  const list: Download[] = [];
  for (const path of new Set(paths)) {
    const file = toFile(path);
    if (!file) continue;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    list.push({ path, bytes: info.size, gzipBytes: gzipSync(await readFile(file), { level: 6 }).byteLength });
  }
  return list;
}
