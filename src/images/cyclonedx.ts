import { integrityHashes, nameAt, npmPurl, resolveDependency, uuidV5 } from './sbom.js';
import type { CdxHash } from './sbom.js';
import type { LockEntry, PackageLock } from './lockfile.js';

export interface SbomSubject {
  tool: string;
  /** The agent's package (the SBOM's subject is the tool at this version). */
  name: string;
  version: string;
  /** sha256 of the lockfile: names the serial number. */
  lockfileSha256: string;
}

interface CdxComponent {
  type: 'library';
  'bom-ref': string;
  group?: string;
  name: string;
  version: string;
  purl: string;
  hashes: CdxHash[];
  licenses?: { expression: string }[] | { license: { name: string } }[];
  scope: 'required' | 'optional';
}

const SPDX_EXPRESSION = /^\(?[A-Za-z0-9.+-]+( (AND|OR|WITH) \(?[A-Za-z0-9.+-]+\)?)*\)?$/;

/**
 * A CycloneDX 1.6 JSON SBOM of the packages installed from `lock` (those in `installed`):
 * name, version, purl, the lockfile's integrity as hex hashes, licence and who depends on
 * whom. No timestamp: the same lockfile and install give the same bytes.
 */
export function cyclonedxSbom(lock: PackageLock, installed: ReadonlySet<string>, subject: SbomSubject): Record<string, unknown> {
  const rootRef = `airlock-tool:${subject.tool}@${subject.version}`;
  const byPurl = new Map<string, CdxComponent>();
  const graph = new Map<string, Set<string>>([[rootRef, new Set()]]);
  const paths = Object.keys(lock.packages).filter((p) => p !== '' && installed.has(p)).sort();
  const purlAt = (path: string) => { const e = lock.packages[path] as LockEntry; return npmPurl(nameAt(path, e), e.version ?? '0.0.0'); };
  for (const path of paths) {
    const entry = lock.packages[path] as LockEntry;
    const purl = purlAt(path);
    if (!byPurl.has(purl)) byPurl.set(purl, component(nameAt(path, entry), entry, purl));
    const deps = graph.get(purl) ?? new Set<string>();
    for (const dep of dependencyNames(entry)) {
      const at = resolveDependency(lock, path, dep, installed);
      if (at !== undefined) deps.add(purlAt(at));
    }
    graph.set(purl, deps);
  }
  const top = resolveDependency(lock, '', subject.name, installed);
  if (top !== undefined) graph.get(rootRef)?.add(purlAt(top));
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidV5(`airlock-sbom:${subject.tool}:${subject.lockfileSha256}:${paths.join(',')}`)}`,
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'airlock', group: 'dev.airlock' }] },
      component: { type: 'application', 'bom-ref': rootRef, name: `airlock-tool-${subject.tool}`, version: subject.version },
    },
    components: [...byPurl.values()],
    dependencies: [...graph.entries()].map(([ref, deps]) => ({ ref, dependsOn: [...deps].sort() })),
  };
}

function component(fullName: string, entry: LockEntry, purl: string): CdxComponent {
  const scoped = fullName.startsWith('@') && fullName.includes('/');
  const group = scoped ? fullName.slice(0, fullName.indexOf('/')) : undefined;
  const name = scoped ? fullName.slice(fullName.indexOf('/') + 1) : fullName;
  const c: CdxComponent = {
    type: 'library', 'bom-ref': purl, ...(group === undefined ? {} : { group }), name,
    version: entry.version ?? '0.0.0', purl, hashes: integrityHashes(entry.integrity),
    scope: entry.optional === true ? 'optional' : 'required',
  };
  if (entry.license !== undefined) {
    c.licenses = SPDX_EXPRESSION.test(entry.license) ? [{ expression: entry.license }] : [{ license: { name: entry.license } }];
  }
  return c;
}

function dependencyNames(entry: LockEntry): string[] {
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...Object.keys(entry.peerDependencies ?? {})];
}
