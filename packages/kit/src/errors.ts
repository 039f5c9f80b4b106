/**
 * Coded errors. Every package declares its own catalogue with `defineErrors`;
 * the shared error handler turns any of them into one JSON shape.
 */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  field?: string;
  requestId?: string;
  details?: unknown;
}

export interface AppErrorOptions {
  field?: string;
  details?: unknown;
  cause?: unknown;
  /**
   * Seconds the caller should wait before trying again, sent as `Retry-After`. A 503 that
   * has it is a deliberate refusal (load shed, busy), logged at warn rather than error.
   */
  retryAfter?: number;
}

/** An error with a stable code and the HTTP status it maps to. */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly field?: string;
  readonly details?: unknown;
  readonly retryAfter?: number;

  constructor(code: string, statusCode: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    this.field = options.field;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }
}

type Catalogue = Record<string, readonly [status: number, message: string]>;

type Factories<C extends Catalogue> = {
  [K in keyof C]: (message?: string, options?: AppErrorOptions) => AppError;
};

/**
 * Declares a catalogue of coded errors: `{ CODE: [status, default message] }`.
 * Returns one factory per code.
 */
export function defineErrors<C extends Catalogue>(catalogue: C): Factories<C> {
  const factories = {} as Factories<C>;
  for (const code of Object.keys(catalogue) as (keyof C & string)[]) {
    const [status, defaultMessage] = catalogue[code];
    factories[code] = (message, options) =>
      new AppError(code, status, message ?? defaultMessage, options);
  }
  return factories;
}

/** Errors every service can raise. */
export const CommonErrors = defineErrors({
  VALIDATION_FAILED: [400, 'the request is not valid'],
  BAD_PATH: [400, 'the path is not valid'],
  NOT_FOUND: [404, 'no such resource'],
  ROUTE_NOT_FOUND: [404, 'no such route'],
  PAYLOAD_TOO_LARGE: [413, 'the request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'the content type is not supported'],
  DEPENDENCY_UNAVAILABLE: [503, 'a dependency is unavailable'],
  INTERNAL: [500, 'internal server error'],
});

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase for a status code. */
export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Error');
}
