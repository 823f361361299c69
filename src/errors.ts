/** The few error types of the gateway; `src/http/error-handler.ts` maps them to responses in one place. */

/** An error with an HTTP status and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Invalid input (400) with the offending fields. */
export class ValidationError extends HttpError {
  constructor(message: string, details?: unknown) {
    super(400, message, details);
    this.name = 'ValidationError';
  }
}

export { ChannelApiError } from './channels/kit/contract';
