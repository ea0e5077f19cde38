// The predict hot path in Chromium: inputs are checked once per item against the model's compiled
// signature, posted to the worker before predict() returns (so the caller may reuse its arrays at
// once), and an unstackable batch (Silero VAD: recurrent state, a scalar rate) runs as one message
// with its items packed and the loop inside the worker. What the removed per-item work used to give
// must still hold: every bad input its error, buffers detached only when asked, crashes retried.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, demoModels } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const expected = JSON.parse(await readFile(join(demoModels, 'expected/mnist.json'), 'utf8')) as {
  inputs: number[][];
  labels: number[];
};

type Sdk = typeof import('@edgewise/sdk');
type Client = Awaited<ReturnType<Sdk['Edgewise']['create']>>;
type SdkWindow = {
  edgewise: Sdk;
  /** An Edgewise client on WASM with the model at `url` loaded (the fixture page's helper). */
  openModel(url: string): Promise<{ ew: Client; model: Awaited<ReturnType<Client['loadBytes']>> }>;
};
const MNIST = '/models/mnist/1.0.0/mnist.fp32.onnx';
const SILERO = '/models/vad/silero_vad_v5.onnx';

describe('the predict hot path', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStaticServer({ mounts: defaultMounts, isolated: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function sdkPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${server.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return page;
  }

  it('lets the caller overwrite its input as soon as predict() returns, with calls queued behind each other', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(
      async ({ url, rows }) => {
        const { ew, model } = await (window as unknown as SdkWindow).openModel(url);
        const argmax = (d: Float32Array) => d.indexOf(Math.max(...d));
        const reused = new Float32Array(784);
        const labels: number[] = [];
        // Each call is made, then its array overwritten with the next digit before it is awaited.
        const calls = rows.map((row) => {
          reused.set(row);
          const call = model.predict({ input: reused });
          reused.fill(0);
          return call;
        });
        for (const out of await Promise.all(calls)) {
          labels.push(argmax(out.probabilities!.data as Float32Array));
        }
        await ew.close();
        return labels;
      },
      { url: MNIST, rows: expected.inputs.slice(0, 6) },
    );
    await page.close();
    expect(result).toEqual(expected.labels.slice(0, 6));
  });

  it('runs an unstackable batch (Silero VAD) as one message: the same outputs as one predict per item, inputs intact', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async (url) => {
      const { ew, model } = await (window as unknown as SdkWindow).openModel(url);
      let seed = 7;
      const noise = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 2 ** 32 - 0.5;
      };
      const items = Array.from({ length: 24 }, () => ({
        input: { data: Float32Array.from({ length: 512 }, noise), dims: [1, 512] },
        state: { data: Float32Array.from({ length: 256 }, () => noise() / 10), dims: [2, 1, 128] },
        sr: { data: BigInt64Array.from([16000n]), dims: [] },
      }));
      const batch = await model.predictBatch(items);
      const single: Awaited<ReturnType<typeof model.predict>>[] = [];
      for (const item of items) single.push(await model.predict(item));
      const same = batch.every((out, i) =>
        Object.keys(single[i]!).every(
          (name) =>
            out[name]!.dims.join() === single[i]![name]!.dims.join() &&
            Array.from(out[name]!.data as Float32Array).every(
              (v, k) => v === (single[i]![name]!.data as Float32Array)[k],
            ),
        ),
      );
      const outputs = Object.keys(batch[0]!);
      const result = {
        same,
        outputs,
        sharedBuffer: batch[0]![outputs[0]!]!.data.buffer === batch[23]![outputs[0]!]!.data.buffer,
        inputsIntact: items.every((item) => item.input.data.length === 512 && item.state.data.length === 256),
      };
      await ew.close();
      return result;
    }, SILERO);
    await page.close();
    expect(result.outputs.sort()).toEqual(['output', 'stateN']);
    expect(result).toMatchObject({ same: true, sharedBuffer: true, inputsIntact: true });
  });

  it('names the bad item of a batch with its error code, and runs the next batch', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async (url) => {
      const { ew, model } = await (window as unknown as SdkWindow).openModel(url);
      const good = () => ({
        input: { data: new Float32Array(512), dims: [1, 512] },
        state: { data: new Float32Array(256), dims: [2, 1, 128] },
        sr: { data: BigInt64Array.from([16000n]), dims: [] },
      });
      const errorOf = async (items: unknown[]) => {
        try {
          await model.predictBatch(items as never);
          return 'no error';
        } catch (e) {
          const err = e as { code: string; message: string; details?: { item?: number } };
          return `${err.code} item ${err.details?.item}: ${err.message}`;
        }
      };
      const result = {
        shape: await errorOf([
          good(),
          good(),
          { ...good(), state: { data: new Float32Array(128), dims: [1, 1, 128] } },
        ]),
        dtype: await errorOf([good(), { ...good(), sr: { data: Int32Array.from([16000]), dims: [] } }]),
        missing: await errorOf([{ input: good().input, state: good().state }]),
        next: (await model.predictBatch([good(), good()])).length,
      };
      await ew.close();
      return result;
    }, SILERO);
    await page.close();
    expect(result.shape).toMatch(/^INPUT_SHAPE item 2: item 2 of 3: input "state" has shape \[1, 1, 128\]/);
    expect(result.dtype).toMatch(/^INPUT_DTYPE item 1: item 1 of 2: input "sr" must be a BigInt64Array/);
    expect(result.missing).toMatch(/^INPUT_MISSING item 0: .*"sr" is missing/);
    expect(result.next).toBe(2);
  });

  it('detaches only what it is told to: predict with transfer, never predictBatch', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async (url) => {
      const { ew, model } = await (window as unknown as SdkWindow).openModel(url);
      const kept = new Float32Array(784);
      const handed = new Float32Array(784);
      const batch = [new Float32Array(784), new Float32Array(784)];
      await model.predict({ input: kept });
      await model.predict({ input: handed }, { transfer: true });
      await model.predictBatch(batch.map((input) => ({ input })));
      await ew.close();
      return { kept: kept.length, handed: handed.length, batch: batch.map((b) => b.length) };
    }, MNIST);
    await page.close();
    expect(result).toEqual({ kept: 784, handed: 0, batch: [784, 784] });
  });

  it('recovers when the worker crashes around an unstackable batch: the batch and the next one answer', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async (url) => {
      const { ew, model } = await (window as unknown as SdkWindow).openModel(url);
      const items = Array.from({ length: 200 }, () => ({
        input: { data: new Float32Array(512).fill(0.1), dims: [1, 512] },
        state: { data: new Float32Array(256), dims: [2, 1, 128] },
        sr: { data: BigInt64Array.from([16000n]), dims: [] },
      }));
      const restarted = new Promise<number>((resolve) => {
        ew.on((e: { type: string; retried?: number }) => {
          if (e.type === 'worker-restarted') resolve(e.retried ?? -1);
        });
      });
      // The worker dies on its next turn, the batch posted to it. It may answer the batch first (a
      // runtime loop does not yield between items): the retry of a batch the worker died holding is
      // placed exactly in packages/sdk/test/inference/worker-host-runs.test.ts.
      ew.crashWorkerForTesting();
      const flight = model.predictBatch(items).then(
        (outs) => `ok ${outs.length}`,
        (e: { code: string }) => `error ${e.code}`,
      );
      const outcome = await flight;
      const retried = await restarted;
      const after = (await model.predictBatch(items.slice(0, 3))).length;
      await ew.close();
      return { outcome, retried, after };
    }, SILERO);
    await page.close();
    expect(result).toMatchObject({ outcome: 'ok 200', after: 3 });
    expect([0, 1]).toContain(result.retried);
  });
});
