/** How long a request may send nothing before it fails (the SDK's `timeouts.stallMs` default). */
export const DEFAULT_STALL_MS = 30_000;

/**
 * Wraps fetch so a request that stops making progress fails instead of hanging: no response
 * headers, or no body bytes, for `stallMs` aborts it with an ordinary error (which the callers
 * retry and then report as NETWORK). A slow but moving download is never cut off.
 */
export function stallGuard(fetchFn: typeof fetch, stallMs: number): typeof fetch {
  if (!(stallMs > 0) || !Number.isFinite(stallMs)) return fetchFn;
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const controller = new AbortController();
    const outer = init.signal;
    if (outer?.aborted) controller.abort(outer.reason);
    outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => controller.abort(new Error(`${url} sent nothing for ${stallMs / 1000} s (stalled)`)),
        stallMs,
      );
    };
    arm();
    let response: Response;
    try {
      response = await fetchFn(input, { ...init, signal: controller.signal });
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    if (!response.body) {
      clearTimeout(timer);
      return response;
    }
    arm();
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          arm();
          out.enqueue(chunk);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    // The stream stops with the abort reason; a new Response keeps status and headers for callers.
    controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
