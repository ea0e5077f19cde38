import { MIN_SUMMARY_PREDICTIONS, type ModelSummary, SummaryBuilder } from '@edgewise/protocol';
import type { MonitorOptions } from '../edgewise-config.js';
import type { PredictionObserver } from '../model.js';
import { DEFAULT_SUMMARY_EVERY, DEFAULT_SUMMARY_EVERY_MS } from './check-monitor.js';

/**
 * Summarizes a model's predictions as the monitor option asks and hands `send` a summary every
 * `every` predictions or, once it holds MIN_SUMMARY_PREDICTIONS, at the first prediction `everyMs`
 * after the last one sent; and the rest (if at least that many) when the model closes.
 * Fewer are dropped: a summary of a handful of predictions would say too much about one user.
 */
export function summaryObserver(
  monitor: MonitorOptions,
  send: (summary: ModelSummary) => void,
  now: () => number = Date.now,
): PredictionObserver {
  const builder = new SummaryBuilder(monitor);
  const every = monitor.every ?? DEFAULT_SUMMARY_EVERY;
  const everyMs = monitor.everyMs ?? DEFAULT_SUMMARY_EVERY_MS;
  let sentAt = now();
  const flush = () => {
    if (builder.count >= MIN_SUMMARY_PREDICTIONS) send(builder.build());
    builder.reset();
    sentAt = now();
  };
  return {
    inputs: (feeds) => builder.addInputs(feeds),
    outputs: (outputs, items) => {
      builder.addOutputs(outputs, items);
      const due = builder.count >= MIN_SUMMARY_PREDICTIONS && now() - sentAt >= everyMs;
      if (builder.count >= every || due) flush();
    },
    close: flush,
  };
}
