import type { Clock } from '../core/index.js';
import { AirlockError, sha256Hex } from '../core/index.js';
import type { Tool } from '../policy/index.js';
import { buildContext } from './build-context.js';
import { cyclonedxSbom } from './cyclonedx.js';
import type { DockerAccess, ImageFacts } from './docker.js';
import { buildImage, inspectImage, removeQuietly } from './docker.js';
import { installStaging } from './install.js';
import { npmDirOf, runInstallScripts } from './install-scripts.js';
import { imageLabels } from './labels.js';
import type { LockEntry, PinnedPackage } from './lockfile.js';
import { topLevelPath } from './lockfile.js';
import { binLinks, manifestOf, manifestSha256 } from './manifest.js';
import type { ImagePaths, NpmPaths } from './paths.js';
import { BIN_DIR, installDir } from './paths.js';
import type { ImageRecord } from './record.js';
import { ImageRecordSchema, writeFileAtomic } from './record.js';
import type { Resolved } from './resolve.js';
import type { TreeEntry } from './tree.js';
import { walkTree } from './tree.js';

type Say = (step: 'installing' | 'sbom' | 'building', message: string) => void;

export interface InstallAndBuild {
  tool: string;
  definition: Tool;
  pin: PinnedPackage & { installScripts: boolean };
  policy: { sandbox: { uid: number; gid: number } };
  paths: ImagePaths;
  npm: { command: string; env: Record<string, string>; paths: NpmPaths };
  resolved: Resolved;
  base: ImageFacts & { reference: string };
  access: DockerAccess;
  staging: string;
  /** Who owns `staging` (airlock's own user): the install scripts run as them. */
  owner: { uid: number; gid: number };
  clock: Clock;
  force?: boolean;
  signal?: AbortSignal;
  say: Say;
}

interface Staged {
  tree: TreeEntry[];
  bins: TreeEntry[];
  installed: Set<string>;
  manifestText: string;
  filesSha256: string;
  sbomText: string;
  sbomSha256: string;
}

/**
 * npm ci into staging (no scripts), the install scripts in a container when the policy
 * allows them, the manifest and SBOM of what it installed, the image, and its record.
 */
export async function installAndBuild(o: InstallAndBuild): Promise<ImageRecord> {
  await installStaging({ tool: o.tool, pin: o.pin, lockfile: o.paths.lockfile, staging: o.staging, npm: o.npm, signal: o.signal });
  if (o.pin.installScripts) {
    const doing = `running the install scripts of ${o.pin.name}@${o.pin.version}`;
    o.say('installing', `${doing} in a container of ${o.base.reference} (no network, the install its only writable directory)`);
    const npmDir = await npmDirOf(o.npm.command, o.npm.env.PATH ?? '');
    await runInstallScripts({ access: o.access, baseId: o.base.id, staging: o.staging, npmDir, user: o.owner, doing, signal: o.signal });
  }
  const staged = await describeStaging(o);
  const builtAt = new Date(o.clock.nowMs()).toISOString();
  o.say('building', `building image ${o.definition.image} from ${o.base.reference}`);
  const previous = await inspectImage(o.access, o.definition.image);
  const id = await buildImage(o.access, {
    context: buildContext({
      baseId: o.base.id, installPath: installPath(o.tool), binPath: BIN_DIR.slice(1), tree: staged.tree, bins: staged.bins, user: userOf(o),
      labels: imageLabels({
        tool: o.tool, version: o.pin.version, createdAt: builtAt, baseReference: o.base.reference, baseDigest: o.base.id,
        lockfileSha256: o.resolved.sha256, sbomSha256: staged.sbomSha256, filesSha256: staged.filesSha256,
      }),
      onSent: sendingProgress(o, staged.tree),
    }),
    tag: o.definition.image,
    noCache: o.force === true,
    onLine: (line) => o.say('building', `building image ${o.definition.image}: ${line}`),
    signal: o.signal,
  });
  await checkBuilt(o, id);
  if (previous !== undefined && previous.id !== id) await removeQuietly(o.access, previous.id);
  return writeRecord(o, id, staged, builtAt);
}

/** Walks the install, links its bins, and makes its files manifest and SBOM. */
async function describeStaging(o: InstallAndBuild): Promise<Staged> {
  const tree = await walkTree(o.staging, installPath(o.tool));
  const files = new Set(tree.map((e) => e.path));
  const installed = new Set(Object.keys(o.resolved.lock.packages).filter((p) => p !== '' && files.has(`${installPath(o.tool)}/${p}/package.json`)));
  const top = o.resolved.lock.packages[topLevelPath(o.pin.name)] as LockEntry;
  const bins = binLinks(top, `${installPath(o.tool)}/${topLevelPath(o.pin.name)}`, BIN_DIR.slice(1), tree);
  const manifest = manifestOf([...tree, ...bins]);
  o.say('sbom', `writing SBOM of ${installed.size} package${installed.size === 1 ? '' : 's'}`);
  const sbom = `${JSON.stringify(cyclonedxSbom(o.resolved.lock, installed, { tool: o.tool, name: o.pin.name, version: o.pin.version, lockfileSha256: o.resolved.sha256 }), null, 2)}\n`;
  const manifestText = `${JSON.stringify(manifest, null, 1)}\n`;
  return { tree, bins, installed, manifestText, filesSha256: manifestSha256(manifest), sbomText: sbom, sbomSha256: sha256Hex(sbom) };
}

/** The tag must now name the image just built, running as the non-root user. */
async function checkBuilt(o: InstallAndBuild, id: string): Promise<void> {
  const built = await inspectImage(o.access, o.definition.image);
  if (built?.id !== id) throw new AirlockError('IMAGE_BUILD_FAILED', `Docker built ${id} but ${o.definition.image} names ${built?.id ?? 'nothing'}`);
  if (built.user !== userOf(o)) throw new AirlockError('IMAGE_BUILD_FAILED', `${o.definition.image} runs as "${built.user}", not ${userOf(o)}`);
}

/** Once the image is built: files.json and sbom.cdx.json, then image.json, which names them. */
async function writeRecord(o: InstallAndBuild, id: string, staged: Staged, builtAt: string): Promise<ImageRecord> {
  const record = ImageRecordSchema.parse({
    schemaVersion: 1,
    tool: o.tool,
    package: { name: o.pin.name, version: o.pin.version, integrity: o.pin.integrity, installScripts: o.pin.installScripts },
    image: { reference: o.definition.image, id, user: userOf(o), installDir: installDir(o.tool), bins: staged.bins.map((b) => b.path.slice(b.path.lastIndexOf('/') + 1)) },
    base: { reference: o.base.reference, digest: o.base.id },
    lockfileSha256: o.resolved.sha256,
    sbomSha256: staged.sbomSha256,
    filesSha256: staged.filesSha256,
    packages: staged.installed.size,
    builtAt,
  });
  await writeFileAtomic(o.paths.manifest, staged.manifestText);
  await writeFileAtomic(o.paths.sbom, staged.sbomText);
  await writeFileAtomic(o.paths.record, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** "sending 40 of 100 MB": the classic builder says nothing until it has the whole context. */
function sendingProgress(o: InstallAndBuild, tree: readonly TreeEntry[]): (bytes: number) => void {
  const total = tree.reduce((n, e) => n + e.size, 0);
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  let shown = -1;
  return (bytes) => {
    const percent = Math.min(100, Math.floor((bytes / Math.max(total, 1)) * 100));
    if (percent === shown) return;
    shown = percent;
    o.say('building', `building image ${o.definition.image}: sending ${Math.min(mb(bytes), mb(total))} of ${mb(total)} MB to Docker`);
  };
}

const installPath = (tool: string) => installDir(tool).slice(1);
const userOf = (o: Pick<InstallAndBuild, 'policy'>) => `${o.policy.sandbox.uid}:${o.policy.sandbox.gid}`;
