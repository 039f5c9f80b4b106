import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, statusText, type ErrorBody } from './errors';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Turns an Ajv instance path such as `/series/0/values` into `series[0].values`. */
export function fieldFromPath(instancePath: string, missing?: unknown): string {
  const parts = instancePath.split('/').filter((p) => p.length > 0);
  if (typeof missing === 'string') parts.push(missing);
  let field = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(part) ? `[${part}]` : field.length > 0 ? `.${part}` : part;
  }
  return field;
}

function validationBody(error: FastifyError): Omit<ErrorBody, 'requestId'> {
  const issues = (error.validation ?? []) as ValidationIssue[];
  const first = issues[0] ?? {};
  const field = fieldFromPath(
    first.instancePath ?? '',
    first.params?.missingProperty ?? first.params?.additionalProperty,
  );
  const where = error.validationContext ?? 'body';
  const problem = first.message ?? 'is not valid';
  return {
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    error: statusText(400),
    message: field ? `${where}.${field} ${problem}` : `${where} ${problem}`,
    field: field || where,
    details: issues.map((i) => ({
      field:
        fieldFromPath(
          i.instancePath ?? '',
          i.params?.missingProperty ?? i.params?.additionalProperty,
        ) || where,
      message: i.message,
    })),
  };
}

/** Codes that Fastify and its parsers raise for bad requests, with our code for each. */
const FRAMEWORK_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'EMPTY_BODY',
    message: 'the body is empty but the content type is JSON',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_CONTENT_LENGTH' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_PATH', message: 'the path is not valid' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON' },
};

/** Maps any error to the one JSON error shape. Unknown errors become a bare 500. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      error: statusText(error.statusCode),
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }

  const fe = error as Partial<FastifyError> & { type?: string; expose?: boolean };
  if (fe.validation) return validationBody(fe as FastifyError);

  const known = fe.code ? FRAMEWORK_CODES[fe.code] : undefined;
  if (known) {
    return {
      statusCode: known.status,
      code: known.code,
      error: statusText(known.status),
      message: known.message ?? fe.message ?? statusText(known.status),
    };
  }

  // A JSON syntax error from the body parser.
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return {
      statusCode: 400,
      code: 'INVALID_JSON',
      error: statusText(400),
      message: 'the body is not valid JSON',
    };
  }

  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      statusCode: status,
      code: fe.code ?? 'BAD_REQUEST',
      error: statusText(status),
      message: fe.message ?? statusText(status),
    };
  }

  return {
    statusCode: 500,
    code: 'INTERNAL',
    error: statusText(500),
    message: 'internal server error',
  };
}

/** Seconds a 503 asks the caller to wait when the error does not know better. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The `Retry-After` value for an error: the error's own estimate, rounded up to whole
 * seconds, or the default for a 503 without one. Other errors send none.
 */
function retryAfterFor(error: unknown, statusCode: number): string | undefined {
  if (!(error instanceof AppError)) return undefined;
  const seconds = error.retryAfter;
  if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) {
    return String(Math.max(1, Math.ceil(seconds)));
  }
  return statusCode === 503 ? String(DEFAULT_RETRY_AFTER_SECONDS) : undefined;
}

/**
 * A 503 whose error says when to come back is a refusal the code chose (load shed, a busy
 * queue): the service is working as meant, so it is no error for an operator.
 */
function isDeliberateRefusal(error: unknown): boolean {
  return error instanceof AppError && error.statusCode === 503 && error.retryAfter !== undefined;
}

/**
 * The shared Fastify error handler: one JSON shape; 5xx logged at error, except deliberate
 * refusals (a 503 with its own `retryAfter`) at warn; 4xx at info.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const body = toErrorBody(error);
  body.requestId = request.id;
  if (isDeliberateRefusal(error))
    request.log.warn({ code: body.code, message: body.message }, 'request refused');
  else if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.code, field: body.field }, 'request rejected');
  const retryAfter = retryAfterFor(error, body.statusCode);
  if (retryAfter !== undefined) void reply.header('retry-after', retryAfter);
  void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
}
