import { z } from 'zod';
import { OrgPolicyFileSchema, RepoPolicyFileSchema } from './schema.js';

/** JSON Schemas for editors, generated from the same zod schemas that check the files. */
export function policyJsonSchemas(): Record<string, unknown> {
  return {
    'policy.schema.json': { title: 'Airlock org policy', ...z.toJSONSchema(OrgPolicyFileSchema, { io: 'input' }) },
    'repo-policy.schema.json': { title: 'Airlock repo policy (.airlock/policy.yaml)', ...z.toJSONSchema(RepoPolicyFileSchema, { io: 'input' }) },
  };
}
