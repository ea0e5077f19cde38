import type { FastifyError, FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/events/0/id` → `events[0].id`: the field named the way a JSON user writes it. */
export function fieldName(context: string, instancePath: string, issue?: AjvIssue): string {
  const parts = instancePath.split('/').filter(Boolean);
  const missing = issue?.keyword === 'required' ? issue.params.missingProperty : undefined;
  if (typeof missing === 'string') parts.push(missing);
  const path = parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
  return path || context;
}

function describeValidation(error: FastifyError): { field: string; message: string } {
  const issue = (error.validation as AjvIssue[] | undefined)?.[0];
  const context = error.validationContext ?? 'body';
  if (!issue) return { field: context, message: error.message };
  const field = fieldName(context, issue.instancePath, issue);
  const detail =
    issue.keyword === 'required'
      ? 'is required'
      : issue.keyword === 'enum'
        ? `must be one of ${(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
        : issue.keyword === 'additionalProperties'
          ? `has an unknown property "${String(issue.params.additionalProperty)}"`
          : (issue.message ?? 'is invalid');
  return { field, message: `${context}: ${field} ${detail}` };
}

/**
 * Every error leaves as `{ error: CODE, message, field? }`. Client mistakes keep their 4xx and say what
 * to fix; anything else is a 500 whose details stay in the log.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const { field, message } = describeValidation(error);
      return reply.status(400).send({ error: 'BAD_REQUEST', message, field });
    }
    if (error instanceof ServerError) {
      return reply.status(error.statusCode).send({ error: error.code, message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status === 429) {
      return reply.status(429).send({ error: 'RATE_LIMITED', message: error.message });
    }
    if (status >= 400 && status < 500) {
      const code =
        status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
      return reply.status(status).send({ error: code, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ error: 'INTERNAL', message: 'internal error; the server log has details' });
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ error: 'NOT_FOUND', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}
