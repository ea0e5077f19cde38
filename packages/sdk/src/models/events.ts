import type { EdgewiseError } from '../errors.js';
import type { CachedModel } from './model-cache.js';

/** What a ModelStore tells the app about, by event name. */
export interface ModelStoreEvents {
  /** A load used an earlier version than the one asked for, and why. */
  rollback: {
    name: string;
    from: string;
    to: string;
    reason: 'retired' | 'integrity' | 'network';
    error?: EdgewiseError;
  };
  /** A cached model was removed to make room (`for` is the cache key being written). */
  evicted: { entry: CachedModel; for: string; reason: 'quota' };
  /** Bytes or a manifest failed their check; they were not used. */
  'integrity-failed': {
    source: 'network' | 'cache' | 'manifest';
    url: string;
    name?: string;
    version?: string;
    variantId?: string;
    expected?: string;
    actual?: string;
    error?: EdgewiseError;
  };
  /** The manifest could not be fetched; the last good one, saved at `savedAt`, is in use. */
  'manifest-offline': { url: string; savedAt: number; error: unknown };
}

export type ModelStoreEventName = keyof ModelStoreEvents;
export type Listener<K extends ModelStoreEventName> = (payload: ModelStoreEvents[K]) => void;

/** A tiny typed emitter; a throwing listener is reported, never allowed to break a load. */
export class Emitter {
  private readonly listeners = new Map<ModelStoreEventName, Set<(payload: never) => void>>();

  constructor(private readonly log: (message: string, details?: Record<string, unknown>) => void) {}

  on<K extends ModelStoreEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends ModelStoreEventName>(event: K, payload: ModelStoreEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.log(`a '${event}' listener threw; ignored so the load can finish`, { error: String(error) });
      }
    }
  }
}
