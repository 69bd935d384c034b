/**
 * Errors that carry their meaning. HTTP maps `status`; providers throw Retryable/Permanent
 * so callers decide on retries without parsing messages.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_request', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid credentials') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

/** A failure worth retrying later: 429, 5xx, timeouts. `retryAfterMs` honours the remote's hint. */
export class RetryableError extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
    this.name = 'RetryableError';
  }
}

/** A failure that will not change on retry: bad request, unknown recipient, revoked credentials. */
export class PermanentError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'PermanentError';
  }
}
