import { MIN_SUMMARY_PREDICTIONS } from '@edgewise/protocol';
import type { MonitorOptions } from '../edgewise-config.js';
import { EdgewiseError } from '../errors.js';

// In the experiments chunk, with the summaries it configures, not in the SDK's entry.

/** The monitor option, checked: CONFIG naming what is wrong. */
export function checkMonitor(monitor: MonitorOptions): MonitorOptions {
  const every = monitor.every ?? DEFAULT_SUMMARY_EVERY;
  if (!Number.isInteger(every) || every < MIN_SUMMARY_PREDICTIONS)
    throw new EdgewiseError(
      'CONFIG',
      `monitor.every must be an integer >= ${MIN_SUMMARY_PREDICTIONS} (fewer predictions would say too much about one user), got ${every}`,
    );
  if (monitor.everyMs !== undefined && !(Number.isFinite(monitor.everyMs) && monitor.everyMs > 0))
    throw new EdgewiseError('CONFIG', `monitor.everyMs must be a number of ms > 0, got ${monitor.everyMs}`);
  const inputs = monitor.inputs ?? [];
  const outputs = Object.entries(monitor.outputs ?? {});
  if (inputs.length === 0 && outputs.length === 0)
    throw new EdgewiseError(
      'CONFIG',
      'monitor needs inputs or outputs to summarize, e.g. { outputs: { probabilities: "classes" } }',
    );
  for (const [name, kind] of outputs)
    if (kind !== 'classes' && kind !== 'values')
      throw new EdgewiseError(
        'CONFIG',
        `monitor.outputs.${name} must be "classes" or "values", got ${JSON.stringify(kind)}`,
      );
  return { ...monitor, every };
}

export const DEFAULT_SUMMARY_EVERY = 200;
export const DEFAULT_SUMMARY_EVERY_MS = 300_000;
