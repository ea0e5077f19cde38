import { registerSW } from 'virtual:pwa-register';
import { createClient, ENDPOINTS, storedUserId } from './app/client.js';
import { byId, say } from './app/dom.js';
import { humanMessage } from './app/errors.js';
import { describeNotice } from './app/notices.js';
import { mountBackends } from './panels/backend-panel.js';
import { mountExperiments } from './panels/experiments-panel.js';
import { mountIris } from './panels/iris-panel.js';
import { mountMnist } from './panels/mnist-panel.js';
import { mountModelPanel } from './panels/model-panel.js';
import { mountOcr } from './panels/ocr-panel.js';
import { mountSimulator } from './panels/simulator-panel.js';

const banner = byId('banner');

function showConnectivity(): void {
  document.body.dataset.online = String(navigator.onLine);
  if (!navigator.onLine)
    say(banner, 'You are offline. Models saved on this device still run; experiments need the network.');
  else if (banner.dataset.kind !== 'error') banner.textContent = '';
}

/**
 * The first visit's requests happen before the service worker takes over, so its runtime cache
 * misses the model list and experiments. Ask for them once through it, for the next offline start.
 */
function warmOfflineCache(): void {
  const warm = () => {
    for (const url of [ENDPOINTS.manifest, ENDPOINTS.experiments]) fetch(url).catch(() => undefined);
  };
  if (navigator.serviceWorker?.controller) warm();
  else navigator.serviceWorker?.addEventListener('controllerchange', warm, { once: true });
}

async function start(): Promise<void> {
  // The service worker keeps the app shell and runtimes for offline use; it takes over without a reload.
  registerSW({
    immediate: true,
    onOfflineReady: () => {
      document.body.dataset.offlineReady = 'true';
    },
    onRegisterError: (error: unknown) => console.warn('service worker registration failed', error),
  });
  warmOfflineCache();
  addEventListener('online', showConnectivity);
  addEventListener('offline', showConnectivity);
  showConnectivity();

  const ew = await createClient(storedUserId());
  const notices = byId('notices');
  let hide: ReturnType<typeof setTimeout> | undefined;
  ew.on((notice) => {
    const text = describeNotice(notice);
    if (!text) return;
    say(notices, text);
    // Notices are news, not state: they fade after a while so they do not cover the page.
    clearTimeout(hide);
    hide = setTimeout(() => {
      notices.textContent = '';
    }, 10_000);
  });
  // Panels start together; each reports its own failure without stopping the others.
  await Promise.allSettled([
    mountBackends(ew),
    mountMnist(ew),
    mountIris(ew),
    mountOcr(ew),
    mountModelPanel(ew),
    mountExperiments(ew).then(mountSimulator),
  ]);
  document.body.dataset.started = 'true';
}

start().catch((error: unknown) => say(banner, humanMessage(error, 'start the demo'), 'error'));
