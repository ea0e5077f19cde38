export interface LifecycleHandlers {
  /** The page may be about to go away: hand what is pending to a request that outlives it. */
  exit(): void;
  /** The browser thinks the network is back. */
  online(): void;
}

/**
 * Listens for `pagehide`, `visibilitychange` to hidden (the last event mobile browsers reliably fire)
 * and `online`. Returns the function that stops listening; a no-op outside a page.
 */
export function onPageLifecycle(handlers: LifecycleHandlers): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const exit = () => handlers.exit();
  const online = () => handlers.online();
  const visibility = () => {
    if (document.visibilityState === 'hidden') handlers.exit();
  };
  window.addEventListener('pagehide', exit);
  window.addEventListener('online', online);
  document.addEventListener('visibilitychange', visibility);
  return () => {
    window.removeEventListener('pagehide', exit);
    window.removeEventListener('online', online);
    document.removeEventListener('visibilitychange', visibility);
  };
}
