// Table rows and per-contender detail lines for the inference cases, each goal with the measured why.

import { ms, rate, x } from './format.js';
import { GOALS, type Row, row } from './goals.js';
import {
  type CaseResult,
  CONTENDER_LABELS,
  type Contender,
  summarizeCase,
  versus,
  versusFloor,
} from './inference.js';

function adapterOf(c: CaseResult): string {
  const reason = c.results.find((r) => r.contender === 'edgewise')?.backendReason ?? '';
  const adapter = /WebGPU adapter (\S+)/.exec(reason)?.[1];
  return adapter ? ` (${adapter})` : '';
}

export function detailLines(c: CaseResult): string[] {
  const summary = summarizeCase(c);
  return [
    `\nInference: ${c.id}, ${c.backend}${adapterOf(c)}: ${c.rounds} rounds × (${c.singles} single calls + ${c.batches} batch(es) of ${c.batchSize}), 1 WASM thread`,
    `  ${'contender'.padEnd(26)}${'median'.padStart(10)}${'p95'.padStart(10)}${'batch items/s'.padStart(15)}${'load'.padStart(10)}`,
    ...summary.map((s) => {
      const label = CONTENDER_LABELS[s.contender].padEnd(26);
      if (s.error) return `  ${label} cannot run here: ${s.error}`;
      const load = c.results.find((r) => r.contender === s.contender)?.loadMs ?? Number.NaN;
      return `  ${label}${ms(s.medianMs).padStart(10)}${ms(s.p95Ms).padStart(10)}${rate(s.itemsPerSecond).padStart(15)}${ms(load).padStart(10)}`;
    }),
  ];
}

export function inferenceRows(c: CaseResult): Row[] {
  const section = `Inference: ${c.id}, ${c.backend}${adapterOf(c)}`;
  const summary = summarizeCase(c);
  const of = (k: Contender) => summary.find((s) => s.contender === k && !s.error);
  const ours = of('edgewise');
  if (!ours) {
    const error = summary.find((s) => s.contender === 'edgewise')?.error ?? 'did not run';
    return [row({ section, name: 'Edgewise', figure: 'n/a', goal: GOALS.latencyVsDirect, note: error })];
  }
  const latency = `${ms(ours.medianMs)} (p95 ${ms(ours.p95Ms)})`;
  const software = /swiftshader/i.test(section)
    ? 'software WebGPU: these figures swing widely from run to run; '
    : '';
  const rows: Row[] = [];
  const stackable = c.kind === 'mnist' && c.format === 'onnx';
  const perItem = `no dynamic batch dimension: predictBatch sends the ${c.batchSize} items packed in one message and loops in the worker, where the direct call loops on the main thread`;
  const echo = of('echo');
  const floorOf = (direct: Contender) => {
    const f = versusFloor(c, direct);
    return f && echo
      ? {
          ...f,
          text: `a bare worker's round trip with the same payload takes ${ms(echo.medianMs)} single, ${ms(echo.batchMs)} a batch`,
        }
      : undefined;
  };

  const batchRow = (baseline: Contender, name: string): Row => {
    const v = versus(c, baseline);
    const theirs = of(baseline);
    const error = summary.find((s) => s.contender === baseline)?.error;
    let note = error ? `${CONTENDER_LABELS[baseline]} cannot run here: ${error.slice(0, 300)}` : '';
    if (theirs && !error) {
      const proxy =
        c.format === 'onnx' && c.backend === 'wasm' ? versus(c, 'ort-direct', 'ort-proxy') : undefined;
      const extra = `median batch over all rounds ${ms(ours.batchMs)} vs ${ms(theirs.batchMs)}`;
      const floor = baseline === 'ort-direct' || baseline === 'litert-direct' ? floorOf(baseline) : undefined;
      const worker = baseline === 'litert-direct' ? versus(c, 'litert-worker') : undefined;
      note = `${software}${extra}${stackable ? ' (stacked into one run, one worker round trip)' : `; ${perItem}`}${proxy ? `; the proxy worker reaches ${x(proxy.throughput)} direct` : ''}${worker ? `; Edgewise is ${x(worker.throughput)} LiteRT.js in a plain worker` : ''}${floor ? `; ${floor.text}: Edgewise is ${x(floor.throughput)} direct + that floor` : ''}`;
    }
    return row({
      section,
      name,
      figure: `${rate(ours.itemsPerSecond)} · ${v ? x(v.throughput) : 'n/a'}`,
      ...(v ? { value: v.throughput } : {}),
      goal: GOALS.batchVsDirect,
      ...(note ? { note } : {}),
    });
  };

  const tfliteFloor = () => {
    const worker = of('litert-worker');
    const v = versus(c, 'litert-worker');
    const floor = floorOf('litert-direct');
    return `${worker && v ? `; LiteRT.js in a plain worker takes ${ms(worker.medianMs)} (Edgewise ${x(v.latency)} that)` : ''}${floor ? `; ${floor.text}: Edgewise is ${x(floor.latency)} direct + that floor` : ''}`;
  };

  if (c.format === 'onnx' && c.backend === 'wasm') {
    const v = versus(c, 'ort-proxy');
    const direct = of('ort-direct');
    const proxy = of('ort-proxy');
    rows.push(
      row({
        section,
        name: 'single latency vs proxy worker',
        figure: `${latency} · ${v ? x(v.latency) : 'n/a'}`,
        ...(v ? { value: v.latency } : {}),
        goal: GOALS.latencyVsProxy,
        ...(direct && proxy
          ? {
              note: `both hand over a fresh copy of each input (the proxy detaches its callers' buffers; Edgewise with transfer: true)${versus(c, 'ort-proxy', 'edgewise-intact') ? `; keeping the caller's arrays intact (Edgewise's default) it is ${x(versus(c, 'ort-proxy', 'edgewise-intact')!.latency)} the proxy` : ''}; over a main-thread call (${ms(direct.medianMs)}), Edgewise's worker round trip adds ${ms(ours.medianMs - direct.medianMs)}, the proxy's ${ms(proxy.medianMs - direct.medianMs)}${floorOf('ort-direct') ? `; ${floorOf('ort-direct')!.text}: Edgewise is ${x(floorOf('ort-direct')!.latency)} direct + that floor` : ''}`,
            }
          : {}),
      }),
    );
  } else if (c.format === 'onnx') {
    const v = versus(c, 'ort-direct');
    rows.push(
      row({
        section,
        name: 'single latency vs direct',
        figure: `${latency} · ${v ? x(v.latency) : 'n/a'}`,
        note: `${software}onnxruntime-web's proxy worker runs the WASM EP only, so there is no proxy figure to hold this to`,
      }),
    );
  } else {
    for (const baseline of ['litert-direct', 'tfjs-tflite'] as const) {
      const v = versus(c, baseline);
      const theirs = of(baseline);
      const error = summary.find((s) => s.contender === baseline)?.error;
      rows.push(
        row({
          section,
          name: `latency vs ${CONTENDER_LABELS[baseline]}`,
          figure:
            baseline === 'litert-direct'
              ? `${latency} · ${v ? x(v.latency) : 'n/a'}`
              : v
                ? x(v.latency)
                : 'n/a',
          ...(v ? { value: v.latency } : {}),
          goal: GOALS.latencyVsDirect,
          note: error
            ? `cannot run here: ${error.slice(0, 300)}`
            : `no TFLite runtime has a worker mode to compare with, so the worker round trip (${ms(ours.medianMs - (theirs?.medianMs ?? 0))} here) is held to a main-thread call of ${ms(theirs?.medianMs ?? Number.NaN)}${baseline === 'litert-direct' ? tfliteFloor() : ''}`,
        }),
      );
    }
  }
  if (c.format === 'tflite') {
    rows.push(
      batchRow('litert-direct', 'batch vs LiteRT.js direct'),
      batchRow('tfjs-tflite', 'batch vs tfjs-tflite direct'),
    );
  } else {
    rows.push(batchRow('ort-direct', 'batch throughput vs direct'));
  }
  return rows;
}
