import { Edgewise } from '@edgewise/sdk';

/** Where the demo talks to: the Edgewise server that also serves this app (`npm start`). */
export const ENDPOINTS = {
  manifest: '/v1/manifest',
  experiments: '/v1/experiments',
  events: '/v1/events',
} as const;

/** The server's public demo write key (`WRITE_KEYS` unset); write keys ship in pages anyway. */
export const WRITE_KEY = 'pk_demo';

const USER_KEY = 'edgewise-demo-user';

/** A stable id for this browser, kept in localStorage so experiment arms stay put across visits. */
export function storedUserId(): string {
  const saved = localStorage.getItem(USER_KEY);
  if (saved) return saved;
  const id = `user-${crypto.randomUUID().slice(0, 8)}`;
  localStorage.setItem(USER_KEY, id);
  return id;
}

export function saveUserId(id: string): void {
  localStorage.setItem(USER_KEY, id);
}

export function createClient(userId: string): Promise<Edgewise> {
  return Edgewise.create({
    manifestUrl: ENDPOINTS.manifest,
    experimentsUrl: ENDPOINTS.experiments,
    collectorUrl: ENDPOINTS.events,
    writeKey: WRITE_KEY,
    userId,
    persistStorage: true,
  });
}
