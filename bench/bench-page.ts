// Opens the benchmark page and waits until its modules have loaded. One retry: another agent's
// `npm run build` can replace packages/sdk/dist under a running bench for a few seconds.
import type { Browser, BrowserContext, Page } from 'playwright';

export async function openBenchPage(
  owner: Browser | BrowserContext,
  url: string,
  path = '/bench/index.html',
): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    const page = await owner.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${url}${path}`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, {
        timeout: 60_000,
      });
      return page;
    } catch (error) {
      await page.close();
      if (attempt >= 2) throw new Error(`${path} did not load: ${errors.join('; ') || String(error)}`);
      console.warn(`${path} did not load (${errors.join('; ') || 'timeout'}); retrying once`);
    }
  }
}
