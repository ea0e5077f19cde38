import { assignArm, type DeviceClass, type EdgewiseEvent } from '@edgewise/sdk';
// The simulator plays many users from one page, so it uses the SDK's event parts directly; they are
// internals of our own package, not part of its public entry.
import { createEvent } from '../../../sdk/src/events/create-event.js';
import { postBatch } from '../../../sdk/src/events/transport.js';
import { seededRandom } from '../../../sdk/src/experiments/seeded-random.js';
import { ENDPOINTS, WRITE_KEY } from '../app/client.js';
import { type ExperimentResults, fetchExperiment, fetchResults } from './server-types.js';

export interface SimulationOptions {
  experiment: string;
  users: number;
  /** The true reward probability of each arm, by arm name: what the experiment should discover. */
  rates: Record<string, number>;
  /** Users who arrive together; the experiment config (bandit weights) is re-read between batches. */
  batchSize?: number;
  /** Simulated time between batches, so a bandit's server-side policy gets to re-weight meanwhile. */
  pauseMs?: number;
  seed?: number;
  signal?: AbortSignal;
  onBatch: (step: SimulationStep) => void;
}

export interface SimulationStep {
  /** Users simulated so far. */
  users: number;
  /** Share of this batch's users per arm (the allocation the experiment's weights produced). */
  allocation: Record<string, number>;
  policyVersion: number | string;
  /** The server's statistics after this batch was stored. */
  results: ExperimentResults;
}

/**
 * A contextual experiment's simulated devices: three classes, each with a made-up prediction latency
 * per variant (the GPU runs fp32 fastest, small WASM devices int8), which its objective charges for.
 */
const DEVICES: { deviceClass: DeviceClass; latencyMs: (variant: string | undefined) => number }[] = [
  { deviceClass: 'webgpu-f16', latencyMs: (v) => (v === 'int8' ? 9 : 4) },
  { deviceClass: 'wasm-4-cores', latencyMs: (v) => (v === 'int8' ? 12 : 30) },
  { deviceClass: 'wasm-2-cores', latencyMs: (v) => (v === 'int8' ? 25 : 90) },
];

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Plays `users` synthetic users against the real server: each is assigned an arm exactly as the SDK
 * would (assignArm: md5 bucket under the server's current weights), logs an exposure, and converts
 * with its arm's true rate. Events go through the SDK's transport to /v1/events; after each batch
 * the server's results are read back. Nothing about the outcome is computed here.
 */
export async function simulate(options: SimulationOptions): Promise<ExperimentResults | undefined> {
  const batchSize = options.batchSize ?? 25;
  const random = seededRandom(options.seed ?? Date.now());
  const run = Date.now().toString(36);
  let results: ExperimentResults | undefined;
  for (let done = 0; done < options.users && !options.signal?.aborted; ) {
    const config = await fetchExperiment(options.experiment);
    const events: EdgewiseEvent[] = [];
    const counts: Record<string, number> = Object.fromEntries(config.arms.map((a) => [a.name, 0]));
    const n = Math.min(batchSize, options.users - done);
    for (let i = 0; i < n; i++) {
      const userId = `sim-${run}-${done + i}`;
      const device = config.type === 'contextual' ? DEVICES[(done + i) % DEVICES.length] : undefined;
      const a = assignArm(userId, config, device ? { deviceClass: device.deviceClass } : {});
      if (!a.inExperiment) continue;
      counts[a.arm] = (counts[a.arm] ?? 0) + 1;
      const arm = config.arms[a.index];
      const base = {
        userId,
        experiment: config.key,
        arm: a.arm,
        probability: a.probability,
        modelVersion: arm?.version ?? 'unknown',
        policyVersion: String(config.policyVersion),
        ...(arm?.variant && arm.variant !== 'base' ? { variant: arm.variant } : {}),
        ...(device ? { context: device.deviceClass } : {}),
      };
      // The exposure is the user's decision; the reward that follows carries its id.
      const decision = createEvent({ ...base, type: 'exposure' });
      events.push(decision);
      if (device) {
        const latencyMs = device.latencyMs(arm?.variant);
        events.push(createEvent({ ...base, type: 'prediction', latencyMs, exposureId: decision.id }));
      }
      if (random() < (options.rates[a.arm] ?? 0))
        events.push(createEvent({ ...base, type: 'reward', value: 1, exposureId: decision.id }));
    }
    const outcome = await postBatch(events, {
      url: new URL(ENDPOINTS.events, location.href).href,
      writeKey: WRITE_KEY,
    });
    if (outcome.kind !== 'stored') {
      throw new Error(`the server did not store the simulated events (${outcome.reason})`);
    }
    done += n;
    results = await fetchResults(config.key);
    options.onBatch({
      users: done,
      allocation: Object.fromEntries(Object.entries(counts).map(([arm, c]) => [arm, n > 0 ? c / n : 0])),
      policyVersion: config.policyVersion,
      results,
    });
    if (done < options.users && options.pauseMs) await sleep(options.pauseMs, options.signal);
  }
  return results;
}
