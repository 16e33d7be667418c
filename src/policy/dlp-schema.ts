import { z } from 'zod';

/** What a high-confidence finding does to the request that carries it. */
export const DlpActionSchema = z.enum(['block', 'redact', 'alert']);
export type DlpAction = z.infer<typeof DlpActionSchema>;

/**
 * Secret scanning of the request bodies the proxy can read. Low-confidence findings
 * only alert; high-confidence ones do what the credential route says (its `dlp`), or
 * `onHigh` for requests outside a route.
 */
export const DlpSchema = z.strictObject({
  enabled: z.boolean(),
  /** block (403, EGRESS_SECRET), redact (the secret's bytes replaced, the request sent), or alert (sent as is). */
  onHigh: DlpActionSchema,
  /** Issuers (prefixes of a JWT's "iss") whose tokens are high-confidence, besides the built-in ones. */
  jwtIssuers: z.array(z.string().min(1)),
});
export type DlpPolicy = z.infer<typeof DlpSchema>;
