/**
 * Why the proxy refused: sent as `X-Airlock-Deny: <CODE>` so an agent can read it,
 * and recorded in the audit event. Stable strings: tools and dashboards match on them.
 */
export const DENY_CODES = [
  'EGRESS_NO_RULE',
  'EGRESS_DENY_RULE',
  'EGRESS_PORT',
  'EGRESS_IP_LITERAL',
  'EGRESS_PRIVATE_ADDRESS',
  'EGRESS_RESOLVE_FAILED',
  'EGRESS_METHOD',
  'EGRESS_PATH',
  'EGRESS_BAD_PATH',
  'EGRESS_BODY_UNINSPECTABLE',
  'EGRESS_CODE_FORBIDDEN',
  'EGRESS_SECRET',
  'CREDENTIAL_MISUSE',
  'AUDIT_UNAVAILABLE',
  'PROXY_BAD_REQUEST',
  'PROXY_INTERNAL',
] as const;
export type DenyCode = (typeof DENY_CODES)[number];

/** A refusal as a value: the code, the rule involved, and one line for a person. */
export interface Denial {
  allow: false;
  code: DenyCode;
  rule?: string;
  message: string;
}

/** Just the denial of a larger refusal (an inspector's verdict with its events). */
export function denialOf(verdict: Denial): Denial {
  return { allow: false, code: verdict.code, message: verdict.message, ...(verdict.rule === undefined ? {} : { rule: verdict.rule }) };
}
