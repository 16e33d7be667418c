/**
 * The one error type of Airlock. Every failure a person can see carries a stable code
 * from ERROR_CODES, which fixes its exit code (sysexits) and HTTP status.
 * Messages say what happened, why, and what to do next; they never hold secrets.
 */
export const ERROR_CODES = {
  USAGE: { exit: 64, http: 400 },
  TOOL_UNKNOWN: { exit: 64, http: 404 },
  REPO_NOT_FOUND: { exit: 66, http: 404 },
  SESSION_NOT_FOUND: { exit: 66, http: 404 },
  DRIVER_UNAVAILABLE: { exit: 69, http: 503 },
  IMAGE_MISSING: { exit: 69, http: 503 },
  INTERNAL: { exit: 70, http: 500 },
  SANDBOX_FAILED: { exit: 70, http: 500 },
  /** `airlock images build` could not make the image: npm, the lockfile check, or the Docker build failed. */
  IMAGE_BUILD_FAILED: { exit: 70, http: 500 },
  /** The audit log cannot be written (or read): a fail-closed session ends with this. */
  AUDIT_UNAVAILABLE: { exit: 74, http: 503 },
  /** The signed image catalog does not verify. */
  CATALOG_TAMPERED: { exit: 65, http: 409 },
  /** `airlock audit verify` found the log changed. */
  AUDIT_TAMPERED: { exit: 65, http: 409 },
  TOOL_DENIED: { exit: 77, http: 403 },
  /** The tool's image digest is not in a signed catalog that verifies. */
  IMAGE_NOT_APPROVED: { exit: 77, http: 403 },
  POLICY_INVALID: { exit: 78, http: 500 },
  CONFIG_INVALID: { exit: 78, http: 500 },
  /** The policy's session time limit ended the session (exit code as GNU timeout). */
  SESSION_TIMEOUT: { exit: 124, http: 408 },
} as const satisfies Record<string, { exit: number; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AirlockErrorOptions {
  cause?: unknown;
  /** Extra lines shown under the message, e.g. every policy error. */
  details?: readonly string[];
}

export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: AirlockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AirlockError';
    this.code = code;
    this.details = options.details ?? [];
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): { code: ErrorCode; message: string; details: readonly string[] } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isAirlockError(value: unknown): value is AirlockError {
  return value instanceof AirlockError;
}

/** Wraps anything thrown into an AirlockError, keeping AirlockErrors as they are. */
export function toAirlockError(value: unknown): AirlockError {
  if (isAirlockError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AirlockError('INTERNAL', `internal error: ${message}`, { cause: value });
}
