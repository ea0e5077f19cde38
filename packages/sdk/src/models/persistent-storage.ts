import type { Log } from './store-types.js';

/**
 * Asks the browser to keep this origin's storage under pressure (navigator.storage.persist()), so
 * cached models are not silently cleared. Resolves false, with the reason logged, where unsupported.
 */
export async function requestPersistentStorage(log: Log): Promise<boolean> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) {
    log('navigator.storage.persist() is not available here; storage stays best-effort');
    return false;
  }
  try {
    const granted = await storage.persist();
    log(granted ? 'persistent storage granted' : 'persistent storage refused by the browser', { granted });
    return granted;
  } catch (error) {
    log('navigator.storage.persist() failed; storage stays best-effort', { error: String(error) });
    return false;
  }
}
