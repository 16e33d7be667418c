import type { Readable } from 'node:stream';
import { AirlockError } from '../core/index.js';
import type { TarMember } from './tar.js';
import { tarStream } from './tar.js';
import type { TreeEntry } from './tree.js';

export interface ContextOptions {
  /** The base image by id: the build can only ever start from exactly that image. */
  baseId: string;
  /** Image path of the install (no leading "/"), e.g. opt/airlock/tools/gemini. */
  installPath: string;
  /** Image path of the bin directory (no leading "/"), e.g. usr/local/bin. */
  binPath: string;
  tree: readonly TreeEntry[];
  bins: readonly TreeEntry[];
  /** "uid:gid" the image runs as. */
  user: string;
  labels: Record<string, string>;
  /** Told how many bytes of the context Docker has taken so far. */
  onSent?: (bytes: number) => void;
}

/** Label values go into the Dockerfile quoted; nothing that quoting or $-expansion could change. */
const LABEL_TEXT = /^[A-Za-z0-9._:/@+-]*$/;

/**
 * The Dockerfile: the installed tree and the bin links COPYed in (files COPY makes are
 * owned by root, so the agent cannot change them), the non-root user, and the labels in
 * one instruction (the classic builder commits a layer per instruction).
 */
export function dockerfile(o: Pick<ContextOptions, 'baseId' | 'installPath' | 'binPath' | 'bins' | 'user' | 'labels'>): string {
  const lines = [`FROM ${o.baseId}`, `COPY tool/ /${o.installPath}/`];
  if (o.bins.length > 0) lines.push(`COPY bin/ /${o.binPath}/`);
  lines.push(`USER ${o.user}`);
  const labels = Object.entries(o.labels).map(([k, v]) => {
    if (!LABEL_TEXT.test(k) || !LABEL_TEXT.test(v)) throw new AirlockError('IMAGE_BUILD_FAILED', `label ${k}=${v} has characters a Dockerfile would change`);
    return `"${k}"="${v}"`;
  });
  if (labels.length > 0) lines.push(`LABEL ${labels.join(' \\\n      ')}`);
  return `${lines.join('\n')}\n`;
}

/** The build context as a tar stream: Dockerfile, tool/ (the install), bin/ (the links). */
export function buildContext(o: ContextOptions): Readable {
  const text = Buffer.from(dockerfile(o));
  const members: TarMember[] = [{ name: 'Dockerfile', type: 'file', mode: 0o644, size: text.length, content: text }];
  members.push(...installMembers(o.tree, o.installPath));
  if (o.bins.length > 0) {
    members.push({ name: 'bin', type: 'dir', mode: 0o755, size: 0 });
    for (const e of o.bins) members.push(member(e, o.binPath, 'bin'));
  }
  return tarStream(members, o.onSent);
}

/** The install under tool/; a file equal to an earlier one (bytes and mode) is a hardlink to it. */
export function installMembers(tree: readonly TreeEntry[], installPath: string): TarMember[] {
  const firstWith = new Map<string, string>();
  return tree.map((e) => {
    const m = member(e, installPath, 'tool');
    if (e.type !== 'file') return m;
    // Equal files travel once: postinstall scripts copy platform binaries of hundreds of MB.
    const key = `${e.sha256 ?? ''}:${e.mode}`;
    const first = firstWith.get(key);
    if (first !== undefined) return { name: m.name, type: 'hardlink', mode: m.mode, size: 0, target: first };
    firstWith.set(key, m.name);
    return m;
  });
}

function member(e: TreeEntry, imagePrefix: string, contextPrefix: string): TarMember {
  const name = `${contextPrefix}${e.path.slice(imagePrefix.length)}`;
  return { name, type: e.type, mode: e.mode, size: e.size, ...(e.source === undefined ? {} : { source: e.source }), ...(e.target === undefined ? {} : { target: e.target }) };
}
