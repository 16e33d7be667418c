import { AirlockError } from '../../core/index.js';

const RELATIVE = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A --since/--until value: an ISO 8601 date or time ("2026-11-24", "2026-11-24T10:00:00Z")
 * or an age ("90m", "12h", "7d") counted back from now. Returns ISO 8601 UTC.
 */
export function parseTimeBound(option: string, value: string | undefined, nowMs: number): string | undefined {
  if (value === undefined) return undefined;
  const rel = RELATIVE.exec(value);
  if (rel !== null) return new Date(nowMs - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number)).toISOString();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new AirlockError('USAGE', `--${option} "${value}" is not a time: use an ISO 8601 date or time (2026-11-24, 2026-11-24T10:00:00Z) or an age (90m, 12h, 7d)`);
  }
  return new Date(ms).toISOString();
}

/** --decision accepts the words people use; events say allow / deny. */
export function parseDecision(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === 'allow' || value === 'allowed') return 'allow';
  if (value === 'deny' || value === 'denied') return 'deny';
  throw new AirlockError('USAGE', `--decision "${value}": use allowed or denied`);
}

export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AirlockError('USAGE', `--limit "${value}" must be a whole number of 1 or more`);
  return n;
}
