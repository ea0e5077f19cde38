import type { Page } from 'playwright';

/**
 * Starts a module worker in the page, posts it one message and resolves with its one answer; the
 * fixture workers under e2e/fixtures report everything they measured that way.
 */
export function runPageWorker<T>(page: Page, workerUrl: string, message: unknown): Promise<T> {
  return page.evaluate(
    ({ url, data }) =>
      new Promise<T>((resolve, reject) => {
        const worker = new Worker(url, { type: 'module' });
        worker.onmessage = (event) => {
          worker.terminate();
          resolve(event.data);
        };
        worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
        worker.postMessage(data);
      }),
    { url: workerUrl, data: message },
  );
}
