import { EdgewiseError } from '../errors.js';

/**
 * Turns a runtime's failure during a run into an EdgewiseError that says which input or which op
 * failed, instead of INTERNAL with the runtime's raw text. The patterns are onnxruntime's own
 * messages (`ERROR_MESSAGE: …`); anything unrecognised stays INFERENCE with the text kept.
 */
export function runtimeRunError(runtime: string, error: unknown): EdgewiseError {
  if (error instanceof EdgewiseError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.replace(/^.*?ERROR_MESSAGE:\s*/s, '').trim();
  const input = /(?:invalid dimensions|Invalid rank) for input:\s*(\S+)/i.exec(message)?.[1];
  if (input) {
    return new EdgewiseError('INPUT_SHAPE', `${runtime} refused input "${input}": ${message}`, {
      cause: error,
      details: { input },
    });
  }
  if (/Unexpected input data type/i.test(message)) {
    return new EdgewiseError('INPUT_DTYPE', `${runtime} refused an input's dtype: ${message}`, {
      cause: error,
    });
  }
  // The innermost node named is the one that failed (an If or Loop names its body's node next).
  const nodes = [...message.matchAll(/running (\w+) node\. Name:'([^']*)'/g)];
  const innermost = nodes.at(-1);
  if (innermost) {
    const status = message.split('Status Message:').at(-1)?.trim() ?? message;
    return new EdgewiseError(
      'INFERENCE',
      `${runtime} failed in op ${innermost[1]} (node "${innermost[2]}"): ${status}; check the inputs' sizes against what the model expects`,
      { cause: error, details: { op: innermost[1], node: innermost[2] } },
    );
  }
  return new EdgewiseError('INFERENCE', `${runtime} failed while running the model: ${message}`, {
    cause: error,
  });
}
