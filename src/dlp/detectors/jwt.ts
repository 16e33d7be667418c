import type { Confidence, Detector, RawMatch } from '../types.js';
import { execAt, startsToken } from './shared.js';

/**
 * JSON Web Token, JWS compact serialization (RFC 7519 section 3, RFC 7515 section 7.1):
 * three base64url parts joined by "."; the header is a JSON object with "alg"
 * (RFC 7515 section 4.1.1), so it starts with eyJ ("{\""). Five parts (a JWE) is not a match.
 */
const JWS = /eyJ[A-Za-z0-9_-]{5,1500}\.[A-Za-z0-9_-]{5,5000}\.[A-Za-z0-9_-]{10,1500}(?![A-Za-z0-9_.-])/;

/**
 * Issuers whose tokens are credentials for infrastructure: GitHub Actions OIDC, Google,
 * Microsoft Entra, Kubernetes service accounts, EKS. Matched as a prefix of "iss".
 */
export const KNOWN_JWT_ISSUERS: readonly string[] = [
  'https://token.actions.githubusercontent.com',
  'https://accounts.google.com',
  'accounts.google.com',
  'https://login.microsoftonline.com/',
  'https://sts.windows.net/',
  'kubernetes/serviceaccount',
  'https://kubernetes.default.svc',
  'https://oidc.eks.',
];

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The tier of a token whose header has "alg": high when its issuer is one we know. */
function classify(header: string, payload: string, issuers: readonly string[]): Confidence | undefined {
  const h = decodeJson(header);
  if (h === undefined || typeof h.alg !== 'string') return undefined;
  const iss = decodeJson(payload)?.iss;
  return typeof iss === 'string' && issuers.some((known) => iss.startsWith(known)) ? 'high' : 'low';
}

/** JWTs: low, or high for a known issuer (KNOWN_JWT_ISSUERS plus the caller's). */
export function jwtDetector(extraIssuers: readonly string[] = []): Detector {
  const issuers = [...KNOWN_JWT_ISSUERS, ...extraIssuers];
  const jws = new RegExp(JWS.source, 'y');
  return {
    leads: [['e', 'y', 'J']],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(jws, text, at);
      if (m === null || !startsToken(text, at)) return;
      const [header = '', payload = ''] = m[0].split('.');
      const confidence = classify(header, payload, issuers);
      if (confidence !== undefined) out.push({ rule: 'jwt', confidence, start: at, end: at + m[0].length, shown: 3 });
    },
  };
}
