import type { z } from 'zod';

/** One thing wrong with a policy file, located by file and dot path. */
export interface PolicyIssue {
  file: string;
  path: string;
  message: string;
}

export function formatIssue(issue: PolicyIssue): string {
  return issue.path === '' ? `${issue.file}: ${issue.message}` : `${issue.file}:${issue.path}: ${issue.message}`;
}

export function dotPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

export function zodIssues(file: string, error: z.ZodError): PolicyIssue[] {
  return error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    if (keys.length > 0) {
      return { file, path: dotPath(i.path), message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')} (check the spelling; unknown keys are errors)` };
    }
    return { file, path: dotPath(i.path), message: i.message };
  });
}
