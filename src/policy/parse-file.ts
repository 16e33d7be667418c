import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { PolicyIssue } from './issues.js';
import { zodIssues } from './issues.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: PolicyIssue[] };

/** YAML text -> schema-checked value, or every issue with its file and path. */
export function parsePolicyText<S extends z.ZodType>(file: string, text: string, schema: S): ParseResult<z.infer<S>> {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line} column ${pos.col}: ` : '';
        return { file, path: '', message: `YAML syntax error: ${where}${e.message.split('\n')[0]}` };
      }),
    };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    return { ok: false, issues: [{ file, path: '', message: 'the file is empty; it needs at least "version: 1"' }] };
  }
  const result = schema.safeParse(data);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: zodIssues(file, result.error) };
}
