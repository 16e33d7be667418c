import type { WorkspacePolicy } from '../policy/index.js';
import type { BodyInspector } from '../proxy/index.js';
import { buildCodeIndex, compilePathPattern, matchBody, matchFileOrDirectory } from '../workspace/index.js';
import type { CodeIndex } from '../workspace/index.js';

/**
 * The code-egress map's inspector: which repository files (and what fraction of each) an
 * outbound body carries, recorded as `code.egress` per request; a body carrying a file
 * that workspace.forbidEgress names is refused (EGRESS_CODE_FORBIDDEN).
 */
export function createCodeEgressInspector(index: Promise<CodeIndex>, forbid: readonly string[]): BodyInspector {
  const forbidden = forbid.map(compilePathPattern);
  return {
    // The index is built while the session starts; the first readable request waits for it.
    async inspect(body, request) {
      const files = matchBody(await index, body);
      if (files.length === 0) return { allow: true, events: [] };
      const banned = files.find((f) => matchFileOrDirectory(forbidden, f.path) !== undefined);
      if (banned !== undefined) {
        return { allow: false, code: 'EGRESS_CODE_FORBIDDEN', rule: 'workspace.forbidEgress', message: `the request carries ${banned.path}, which workspace.forbidEgress keeps from being sent to ${request.host} or anywhere` };
      }
      return { allow: true, events: [{ type: 'code.egress', fields: { files: files.map((f) => ({ path: f.path, fraction: f.fraction })) } }] };
    },
  };
}

/** The repository's index for the session (masked paths left out: the sandbox never saw them). */
export function indexRepository(repoDir: string, workspace: WorkspacePolicy): Promise<CodeIndex> {
  return buildCodeIndex(repoDir, workspace.masked);
}
