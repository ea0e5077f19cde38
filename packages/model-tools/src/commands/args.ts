import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ModelToolsError } from '../errors.js';

/** node:util parseArgs with our error type, so every usage mistake exits 2 with a clear message. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  positionals: string[],
) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ModelToolsError('BAD_ARGUMENT', `${command}: ${(error as Error).message}`);
  }
  if (parsed.positionals.length !== positionals.length) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `${command} takes ${positionals.map((p) => `<${p}>`).join(' ')}; got ${parsed.positionals.length} argument(s)`,
    );
  }
  return {
    values: parsed.values as Record<string, string | boolean | string[] | undefined>,
    positionals: parsed.positionals,
  };
}

export function numberOption(name: string, raw: unknown, fallback: number, range: [number, number]): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < range[0] || value > range[1]) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `--${name} must be a number in [${range[0]}, ${range[1]}], got "${raw}"`,
    );
  }
  return value;
}
