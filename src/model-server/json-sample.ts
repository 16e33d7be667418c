/**
 * Builds a value that satisfies a JSON Schema (or a Gemini OpenAPI-style schema with
 * upper-case types), for clients that ask for structured output: the first enum value,
 * every property, the smallest number allowed. Good enough for side requests such as
 * Gemini CLI's "next speaker" and routing checks; not a general schema solver.
 */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 12) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alternative = firstOf(schema.anyOf) ?? firstOf(schema.oneOf);
  if (alternative !== undefined) return sampleFromSchema(alternative, depth + 1);
  if (Array.isArray(schema.allOf)) return sampleFromSchema(Object.assign({}, ...schema.allOf.filter(isRecord)), depth + 1);
  switch (schemaType(schema)) {
    case 'object':
      return sampleObject(schema, depth);
    case 'array':
      return sampleArray(schema, depth);
    case 'string':
      return 'scripted';
    case 'integer':
    case 'number':
      return sampleNumber(schema);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return isRecord(schema.properties) ? sampleObject(schema, depth) : null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstOf(value: unknown): unknown {
  return Array.isArray(value) && value.length > 0 ? value[0] : undefined;
}

function schemaType(schema: Record<string, unknown>): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return typeof type === 'string' ? type.toLowerCase() : undefined;
}

function sampleObject(schema: Record<string, unknown>, depth: number): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties)) out[key] = sampleFromSchema(sub, depth + 1);
  return out;
}

function sampleArray(schema: Record<string, unknown>, depth: number): unknown[] {
  const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
  return Array.from({ length: Math.min(count, 16) }, () => sampleFromSchema(schema.items, depth + 1));
}

function sampleNumber(schema: Record<string, unknown>): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : 1;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : minimum;
  return Math.min(Math.max(1, minimum), maximum);
}
