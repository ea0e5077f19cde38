import { MIN_SUMMARY_PREDICTIONS, type ModelSummary } from '@edgewise/protocol';
import { describe, expect, it } from 'vitest';
import { isEdgewiseError } from '../../src/errors.js';
import { summaryEvent } from '../../src/events/create-event.js';
import { checkMonitor } from '../../src/monitoring/check-monitor.js';
import { summaryObserver } from '../../src/monitoring/summary-observer.js';

const digit = (bright: boolean) => ({
  input: { data: new Float32Array(16).fill(bright ? 1 : 0), dims: [1, 16] },
});
const scores = (best: number) => {
  const data = new Float32Array(10).fill(0.01);
  data[best] = 0.91;
  return { probabilities: { data, dims: [1, 10] } };
};

describe('summary observer', () => {
  const monitor = checkMonitor({ inputs: ['input'], outputs: { probabilities: 'classes' }, every: 25 });

  it('sends a summary every `every` predictions, the rest on close, nothing under the minimum', () => {
    const sent: ModelSummary[] = [];
    const observer = summaryObserver(monitor, (s) => sent.push(s));
    for (let i = 0; i < 60; i++) {
      observer.inputs(digit(i % 2 === 0));
      observer.outputs(scores(i % 10), 1);
    }
    expect(sent.map((s) => s.predictions)).toEqual([25, 25]);
    expect(sent[0]?.outputs.probabilities?.classes).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    expect(sent[0]?.inputs.input?.moments.count).toBe(25 * 16);
    // 10 left: fewer than the minimum, so the close sends nothing.
    observer.close();
    expect(sent).toHaveLength(2);
  });

  it('sends what it holds once everyMs has passed, if it holds at least the minimum', () => {
    let t = 0;
    const sent: ModelSummary[] = [];
    const observer = summaryObserver(
      { ...monitor, every: 1000, everyMs: 60_000 },
      (s) => sent.push(s),
      () => t,
    );
    for (let i = 0; i < MIN_SUMMARY_PREDICTIONS - 1; i++) observer.outputs(scores(1), 1);
    t = 61_000;
    observer.outputs(scores(1), 1);
    expect(sent.map((s) => s.predictions)).toEqual([MIN_SUMMARY_PREDICTIONS]);
  });

  it('makes summary events the collector takes, and refuses a bad monitor option with CONFIG', () => {
    const sent: ModelSummary[] = [];
    const observer = summaryObserver(monitor, (s) => sent.push(s));
    for (let i = 0; i < 25; i++) observer.outputs(scores(2), 1);
    const event = summaryEvent(
      {
        userId: 'u',
        experiment: 'e',
        arm: 'a',
        probability: 0.5,
        modelVersion: '1.0.0',
        policyVersion: '0',
        exposureId: '0190a8c4-0000-7000-8000-000000000000',
      },
      sent[0] as ModelSummary,
    );
    expect(event).toMatchObject({ type: 'summary', arm: 'a', summary: { predictions: 25 } });
    for (const bad of [
      { outputs: {} },
      { outputs: { p: 'mean' } },
      { outputs: { p: 'classes' }, every: 5 },
      { inputs: ['x'], everyMs: 0 },
    ]) {
      try {
        checkMonitor(bad as never);
        expect.unreachable();
      } catch (error) {
        expect(isEdgewiseError(error) && error.code).toBe('CONFIG');
      }
    }
  });
});
