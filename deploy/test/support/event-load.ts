/**
 * Sends event batches to several replicas the way clients behind a Service do: round-robin, a few
 * requests in flight, and a batch that fails (connection refused or reset, 429, 5xx) resent to the
 * next replica with the same event ids, as the SDK's queue does. Only a 200 acknowledges a batch.
 */
import { randomUUID } from 'node:crypto';
import type { Replica } from './replica.js';

export interface WireEvent {
  id: string;
  type: 'exposure';
  userId: string;
  experiment: string;
  arm: string;
  probability: number;
  modelVersion: string;
  ts: number;
}

export function makeBatches(experiment: string, batches: number, perBatch: number): WireEvent[][] {
  const startedAt = Date.now();
  return Array.from({ length: batches }, (_, b) =>
    Array.from({ length: perBatch }, (_, i) => ({
      id: randomUUID(),
      type: 'exposure' as const,
      userId: `user-${b}-${i}`,
      experiment,
      arm: i % 2 === 0 ? 'control' : 'treatment',
      probability: 0.5,
      modelVersion: '1.0.0',
      // Recent, as real traffic is: the collector refuses timestamps far from its clock.
      ts: startedAt - (batches - b) * 1000,
    })),
  );
}

export interface LoadOptions {
  replicas: Replica[];
  batches: WireEvent[][];
  writeKey: string;
  concurrency: number;
  /** Fired once, just after a request to `replica` is sent, when at least `afterAcknowledged` batches are acknowledged. */
  midLoad?: { afterAcknowledged: number; replica: Replica; action: () => void };
  maxAttempts?: number;
}

export interface LoadResult {
  acknowledged: Set<string>;
  /** Sums of the server's `{ accepted, duplicates }` answers over all acknowledged requests. */
  accepted: number;
  duplicates: number;
  /** Requests that failed and were resent, by replica name and reason. */
  failures: { replica: string; reason: string }[];
  acknowledgedBy: Record<string, number>;
  /** Requests to the `midLoad` replica that were in flight when the action fired, and how they ended. */
  inFlightAtAction: { replica: string; outcome: string }[];
}

export async function sendLoad(options: LoadOptions): Promise<LoadResult> {
  const { replicas, batches, writeKey, concurrency, midLoad, maxAttempts = 6 } = options;
  const result: LoadResult = {
    acknowledged: new Set(),
    accepted: 0,
    duplicates: 0,
    failures: [],
    acknowledgedBy: Object.fromEntries(replicas.map((r) => [r.name, 0])),
    inFlightAtAction: [],
  };
  const inFlight = new Map<Promise<string>, Replica>();
  let acknowledgedBatches = 0;
  let fired = false;
  let next = 0;

  async function post(replica: Replica, batch: WireEvent[]): Promise<string> {
    try {
      const response = await fetch(`${replica.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body: JSON.stringify({ events: batch }),
      });
      const body = (await response.json().catch(() => ({}))) as { accepted?: number; duplicates?: number };
      if (response.status === 200) {
        for (const event of batch) result.acknowledged.add(event.id);
        result.accepted += body.accepted ?? 0;
        result.duplicates += body.duplicates ?? 0;
        result.acknowledgedBy[replica.name]! += 1;
        return 'ok';
      }
      if (response.status === 429 || response.status >= 500) return `HTTP ${response.status}`;
      throw new Error(
        `${replica.name} rejected a valid batch: HTTP ${response.status} ${JSON.stringify(body)}`,
      );
    } catch (error) {
      if ((error as Error).message.includes('rejected a valid batch')) throw error;
      const cause = (error as { cause?: { code?: string } }).cause;
      return cause?.code ?? (error as Error).message;
    }
  }

  async function deliver(index: number): Promise<void> {
    const batch = batches[index]!;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const replica = replicas[(index + attempt) % replicas.length]!;
      const request = post(replica, batch);
      inFlight.set(request, replica);
      if (
        midLoad &&
        !fired &&
        replica === midLoad.replica &&
        acknowledgedBatches >= midLoad.afterAcknowledged
      ) {
        fired = true;
        for (const [pending, target] of inFlight) {
          if (target !== midLoad.replica) continue;
          const record = { replica: target.name, outcome: 'pending' };
          result.inFlightAtAction.push(record);
          void pending.then((outcome) => {
            record.outcome = outcome;
          });
        }
        midLoad.action();
      }
      const outcome = await request.finally(() => inFlight.delete(request));
      if (outcome === 'ok') {
        acknowledgedBatches++;
        return;
      }
      result.failures.push({ replica: replica.name, reason: outcome });
    }
    throw new Error(
      `batch ${index} was not acknowledged after ${maxAttempts} attempts: ${JSON.stringify(result.failures.slice(-maxAttempts))}`,
    );
  }

  async function worker(): Promise<void> {
    while (next < batches.length) await deliver(next++);
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}
