import { z } from 'zod';

/** A repository path pattern (gitignore-like: `*.pem`, `.ssh/`, `.git/hooks/`, `payments/**`). */
const PathPatternSchema = z
  .string()
  .min(1)
  .regex(/^(?!.*(^|\/)\.\.(\/|$))[^\0]+$/, 'a path pattern inside the repository, without ".." segments');

export const WorkspaceSchema = z.strictObject({
  /** Paths that do not exist inside the sandbox: each is replaced by an empty file or directory. */
  masked: z.array(PathPatternSchema),
  /** Paths read-only inside the sandbox (control files: hooks, CI, agent instructions). */
  protected: z.array(PathPatternSchema),
  /** Protected paths the agent may change anyway; the session record flags each change. */
  writable: z.array(PathPatternSchema),
  /** Files whose content may not be sent anywhere: a readable request carrying one is refused. */
  forbidEgress: z.array(PathPatternSchema),
});
export type WorkspacePolicy = z.infer<typeof WorkspaceSchema>;

/** What a repo policy may add: more masked and more protected paths (never fewer). */
export const RepoWorkspaceSchema = z.strictObject({
  masked: z.array(PathPatternSchema).optional(),
  protected: z.array(PathPatternSchema).optional(),
  forbidEgress: z.array(PathPatternSchema).optional(),
});

export const DEFAULT_MASKED = [
  '.env*', '*.pem', '*.key', 'id_rsa*', 'id_ed25519*', '.npmrc', '.pypirc', '.netrc', '.git-credentials',
  '.aws/', '.ssh/', '*.tfstate', '*.p12', '*.keystore',
];

export const DEFAULT_PROTECTED = [
  '.git/hooks/', '.git/config', '.github/workflows/', '.gitlab-ci.yml', '.airlock/', 'CLAUDE.md', 'AGENTS.md',
  '.mcp.json', '.claude/', '.codex/', '.gemini/', '.opencode/', 'opencode.json',
];
