/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Every error the API answers goes through here, so
 * callers always get a status, a title and a detail they can act on — never a stack trace or a bare 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { formatPath } from '../domain/problems';
import { AppError, type AppErrorCode, httpStatusOfCode } from '../errors';

/** The problem title of each error code (its status is in src/errors.ts). */
const titles: Record<AppErrorCode, string> = {
  bad_request: 'Bad request',
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_large: 'Payload too large',
  invalid: 'Invalid data',
  invalid_config: 'Not configured',
  unavailable: 'Service unavailable',
};

/** The body of a problem answer. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Each individual problem, when there are several (e.g. one per invalid field). */
  problems?: string[];
  [extension: string]: unknown;
}

/** Sends an AppError as problem+json. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const status = httpStatusOfCode[err.code];
  const title = titles[err.code];
  // The detail reads as one sentence on its own; `problems` lists the same items for programs.
  const detail = err.problems.length ? `${err.message.split('\n')[0]!} ${err.problems.join('; ')}` : err.message;
  const body: ProblemBody = {
    // Extensions first, so they can never replace a standard member.
    ...err.extensions,
    type: 'about:blank',
    title,
    status,
    detail,
    instance: request.url,
    ...(err.problems.length ? { problems: [...err.problems] } : {}),
  };
  if (status === 401) void reply.header('www-authenticate', 'Bearer');
  return reply.code(status).type('application/problem+json').send(body);
}

/** Fastify's own errors (body parsing, limits, schema validation) as AppErrors with a message a person can act on. */
export function toAppError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    // A body that is not an object at all (null, a number, an array) is malformed, not invalid data.
    if (where === 'body' && err.validation.some((v) => v.instancePath === '/' && v.keyword === 'invalid_type')) {
      return new AppError('bad_request', 'The body must be a JSON object.');
    }
    const problems = err.validation.map((v) => {
      const path = formatPath(
        v.instancePath
          .split('/')
          .filter(Boolean)
          .map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
      );
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys))
        return `${path}: unknown field(s) ${keys.join(', ')}`;
      return `${path}: ${v.message ?? 'is invalid'}`;
    });
    // A body that parses but breaks the rules is invalid data (422); a bad query, path or header is a bad request.
    return where === 'body'
      ? new AppError('invalid', 'The request body is invalid:', problems)
      : new AppError('bad_request', `Invalid ${where === 'querystring' ? 'query parameters' : where}:`, problems);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('too_large', `The body is larger than this endpoint accepts (${err.message}).`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('bad_request', 'Send the body as JSON with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('bad_request', `The body is not valid JSON: ${err.message}`);
    default:
      break;
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new AppError('bad_request', `The body is not valid JSON: ${err.message}`);
  }
  if (err.statusCode === 413) return new AppError('too_large', 'The body is larger than this endpoint accepts.');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('bad_request', err.message);
  return err as unknown as AppError;
}

/** Installs problem+json for every error and for unknown routes. Unexpected errors are logged, never echoed. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let known: AppError | FastifyError;
    try {
      known = toAppError(err);
    } catch (mappingError) {
      request.log.error({ err: mappingError }, 'could not describe an error');
      known = err;
    }
    if (known instanceof AppError) return sendProblem(reply, request, known);
    request.log.error({ err }, 'unexpected error');
    return reply
      .code(500)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Internal error',
        status: 500,
        detail: 'Something unexpected went wrong; the error is logged with this request id.',
        instance: request.url,
        requestId: request.id,
      } satisfies ProblemBody);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}; see GET /openapi.json.`),
    ),
  );
}
