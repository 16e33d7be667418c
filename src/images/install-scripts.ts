import { realpath } from 'node:fs/promises';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';
import { AirlockError } from '../core/index.js';
import type { DockerAccess } from './docker.js';
import { dockerFailure } from './docker.js';
import { NPM_TIMEOUT_MS, npmExcerpt } from './npm.js';

/** Where the container sees the install and npm's own files. */
const WORK_DIR = '/work';
const NPM_DIR = '/opt/airlock-npm';

export interface InstallScriptsRun {
  access: DockerAccess;
  /** The base image (id): the scripts run on the system the tool will run on. */
  baseId: string;
  /** The installed tree (npm ci --ignore-scripts made it); the only writable mount. */
  staging: string;
  /** npm's own directory on the host (the one holding bin/npm-cli.js), mounted read-only. */
  npmDir: string;
  /** Who runs the scripts: the owner of `staging` (airlock's own user). */
  user: { uid: number; gid: number };
  /** What the run is for, e.g. "running the install scripts of opencode-ai@1.18.33". */
  doing: string;
  signal?: AbortSignal;
}

/**
 * Runs the install scripts of an installed tree (`npm rebuild`) in a container of the
 * base image instead of on the host: no network, every capability dropped, no new
 * privileges, a read-only root with a private /tmp, and the tree its one writable mount.
 * A script can change only the files it is installing; it cannot read the host's files,
 * environment or credentials, nor reach anything. npm gets no configuration but its cache
 * in /tmp, and runs offline: the tarballs were fetched and checked on the host.
 *
 * Throws AirlockError 'IMAGE_BUILD_FAILED' with the last lines of npm's output when a
 * script fails, and 'DRIVER_UNAVAILABLE' when Docker Engine is not answering.
 */
export async function runInstallScripts(run: InstallScriptsRun): Promise<void> {
  const { docker } = run.access;
  let container: Awaited<ReturnType<typeof docker.createContainer>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => void container?.kill().catch(() => undefined);
  try {
    container = await docker.createContainer({
      Image: run.baseId,
      Cmd: ['node', `${NPM_DIR}/bin/npm-cli.js`, 'rebuild', '--foreground-scripts', '--offline', '--no-audit', '--no-fund', '--no-update-notifier'],
      WorkingDir: WORK_DIR,
      User: `${String(run.user.uid)}:${String(run.user.gid)}`,
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOME=/tmp/home', 'npm_config_cache=/tmp/npm-cache', 'npm_config_userconfig=/tmp/npmrc', 'npm_config_globalconfig=/tmp/npmrc-global'],
      Tty: true,
      NetworkDisabled: true,
      Labels: { 'dev.airlock.install-scripts': '1' },
      HostConfig: {
        Binds: [`${run.staging}:${WORK_DIR}:rw`, `${run.npmDir}:${NPM_DIR}:ro`],
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=536870912' },
        PidsLimit: 512,
        Memory: 4 * 2 ** 30,
      },
    });
    run.signal?.addEventListener('abort', stop, { once: true });
    timer = setTimeout(stop, NPM_TIMEOUT_MS);
    await container.start();
    const { StatusCode: code } = (await container.wait()) as { StatusCode: number };
    if (code === 0) return;
    const output = ((await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer).toString();
    const why = run.signal?.aborted === true ? 'it was interrupted' : code === 137 ? `it was stopped (killed; the limit is ${String(NPM_TIMEOUT_MS / 60_000)} minutes)` : `npm exited with ${String(code)}`;
    throw new AirlockError('IMAGE_BUILD_FAILED', `the install scripts failed ${run.doing} (in a container with no network, as uid ${String(run.user.uid)}): ${why}; npm said:`, {
      details: npmExcerpt(output.replaceAll('\r', '')),
    });
  } catch (error) {
    throw dockerFailure(error, run.access, run.doing);
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', stop);
    await container?.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * npm's own directory (the one holding bin/npm-cli.js) from the npm command: a path, or a
 * name looked up on `path` the way a shell would. Throws AirlockError 'IMAGE_BUILD_FAILED'
 * when the command is not npm's own launcher (a wrapper script, say).
 */
export async function npmDirOf(command: string, path: string): Promise<string> {
  const candidates = isAbsolute(command) ? [command] : path.split(delimiter).filter((d) => d !== '').map((d) => join(d, command));
  for (const candidate of candidates) {
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      continue;
    }
    if (basename(real) === 'npm-cli.js' && basename(dirname(real)) === 'bin') return dirname(dirname(real));
    throw new AirlockError('IMAGE_BUILD_FAILED', `${candidate} is ${real}, not npm's own bin/npm-cli.js: install scripts run in a container with npm's directory mounted, so airlock needs the real npm (set no npm wrapper in its place)`);
  }
  throw new AirlockError('IMAGE_BUILD_FAILED', `${command} is not on PATH: install npm (Debian: apt-get install npm)`);
}
