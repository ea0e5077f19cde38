import { isEdgewiseError } from '@edgewise/sdk';

const OFFLINE = 'You are offline, and this needs the network. It will work again once you reconnect.';

/**
 * Turns any failure into a sentence a person can act on. EdgewiseError messages are already written
 * for people (what was expected, what to do); raw network and runtime errors are not.
 */
export function humanMessage(error: unknown, doing: string): string {
  if (typeof navigator !== 'undefined' && navigator.onLine === false && !isEdgewiseError(error)) {
    return `Could not ${doing}. ${OFFLINE}`;
  }
  if (isEdgewiseError(error)) {
    if (error.code === 'NETWORK') return `Could not ${doing}: the server did not answer. ${error.message}`;
    if (error.code === 'QUOTA')
      return `Could not ${doing}: the browser has no room left for models. Clear cached models below and try again.`;
    return `Could not ${doing}: ${error.message}`;
  }
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return `Could not ${doing}: the server could not be reached. Is it running?`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `Could not ${doing}: ${text}`;
}
