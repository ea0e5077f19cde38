import type { FastifyRequest } from 'fastify';

/** Header paths pino replaces with "[redacted]" wherever a request is logged. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-edgewise-key"]',
  'req.headers["x-admin-token"]',
  'req.headers.cookie',
];

/** Beacons carry the write key as ?key=…; the logged URL never shows it. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]key=)[^&#]*/gi, '$1[redacted]');
}

export const logSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: redactUrl(request.url),
      remoteAddress: request.ip,
    };
  },
};
