import { AirlockError } from '../../core/index.js';

interface DockerishError {
  code?: string;
  statusCode?: number;
  json?: { message?: string };
  message?: string;
}

/** Maps a failure of the Engine API (engine.ts, or dockerode for image builds) to one clear AirlockError. */
export function dockerError(error: unknown, socketPath: string, doing: string): AirlockError {
  const e = (error ?? {}) as DockerishError;
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES' || e.code === 'ETIMEDOUT') {
    return new AirlockError(
      'DRIVER_UNAVAILABLE',
      `Docker Engine is not answering on ${socketPath} (${e.code}) while ${doing}: start it with scripts/start-dockerd.sh, or use --driver bwrap`,
      { cause: error },
    );
  }
  const detail = e.json?.message ?? e.message ?? String(error);
  return new AirlockError('SANDBOX_FAILED', `Docker Engine refused ${doing}: ${detail}`, { cause: error });
}
