import type { EdgewiseNotice } from '@edgewise/sdk';

/** One sentence per SDK notice, for the page's notices line; undefined for ones not worth showing. */
export function describeNotice(notice: EdgewiseNotice): string | undefined {
  switch (notice.type) {
    case 'manifest-offline':
      return `The server is out of reach, so the model list saved on ${new Date(notice.savedAt).toLocaleString()} is used.`;
    case 'fallback':
      return `A model moved to another backend${notice.to ? ` (${notice.to})` : ''}: ${String(notice.error)}`;
    case 'rollback':
      return 'A model version failed to load, so the previous good version was used instead.';
    case 'evicted':
      return 'An older cached model was removed to make room.';
    case 'integrity-failed':
      return 'A downloaded model did not match its checksum and was thrown away; it will be fetched again.';
    case 'worker-restarted':
      return 'The inference worker stopped unexpectedly and was restarted.';
    default:
      return undefined;
  }
}
