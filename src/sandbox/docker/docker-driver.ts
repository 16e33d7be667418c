import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import { AirlockError } from '../../core/index.js';
import type { DriverProbe, ExitStatus, ImageFacts, Leftover, SandboxDriver, SandboxPlan, SandboxProcess } from '../types.js';
import { containerSpec } from './container-spec.js';
import { demuxStream } from './demux.js';
import { createEngineClient } from './engine.js';
import type { EngineClient } from './engine.js';
import { dockerError } from './errors.js';
import { LABEL_OWNER, LABEL_SESSION, ownerFromLabel } from './labels.js';

export interface DockerDriverOptions {
  socketPath: string;
}

const PING_TIMEOUT_MS = 3000;

export function createDockerDriver(options: DockerDriverOptions): SandboxDriver {
  const engine = createEngineClient({ socketPath: options.socketPath });
  const fail = (error: unknown, doing: string) => dockerError(error, options.socketPath, doing);

  async function probe(): Promise<DriverProbe> {
    try {
      const info = await withTimeout(engine.version(), PING_TIMEOUT_MS);
      return { driver: 'docker', ok: true, detail: `Docker Engine ${info.Version ?? '?'} (API ${info.ApiVersion ?? '?'}) on ${options.socketPath}`, warnings: [] };
    } catch (error) {
      const e = fail(error, 'answering a version request');
      return { driver: 'docker', ok: false, reason: e.message.split(':')[0] ?? e.message, fix: 'start Docker Engine with scripts/start-dockerd.sh (installs docker.io first with scripts/setup-host.sh), or use --driver bwrap' };
    }
  }

  // A session asks about its image twice (the audit record, then the start): ask Docker once.
  const imageFacts = new Map<string, Promise<ImageFacts>>();
  function ensureImage(image: string): Promise<ImageFacts> {
    let facts = imageFacts.get(image);
    if (facts === undefined) {
      facts = inspectImage(image);
      imageFacts.set(image, facts);
      // A failure is not remembered: the image may be built meanwhile.
      facts.catch(() => imageFacts.delete(image));
    }
    return facts;
  }

  async function inspectImage(image: string): Promise<ImageFacts> {
    let info;
    try {
      info = await engine.inspectImage(image);
    } catch (error) {
      throw fail(error, `inspecting image ${image}`);
    }
    if (info === undefined) {
      throw new AirlockError('IMAGE_MISSING', `image ${image} is not in Docker Engine: build it with scripts/setup-host.sh (there is no registry to pull from)`);
    }
    const labels = info.Config?.Labels ?? {};
    return { digest: info.Id, version: labels['org.opencontainers.image.version'] ?? null, labels };
  }

  async function start(plan: SandboxPlan): Promise<SandboxProcess> {
    await ensureImage(plan.image);
    let container: string;
    try {
      container = await engine.createContainer(containerSpec(plan));
    } catch (error) {
      throw fail(error, `creating the sandbox container for session ${plan.sessionId}`);
    }
    try {
      const stream = await engine.attach(container);
      await engine.start(container);
      // API 1.41 engines cannot size the terminal at create time; size it at once, as the docker CLI does.
      if (plan.tty !== null) await engine.resize(container, { h: plan.tty.rows, w: plan.tty.cols }).catch(() => {});
      return wrapContainer(engine, container, stream, plan.tty !== null);
    } catch (error) {
      await engine.remove(container).catch(() => {});
      throw fail(error, `starting the sandbox container for session ${plan.sessionId}`);
    }
  }

  async function listLeftovers(): Promise<Leftover[]> {
    const list = await engine.listContainers([LABEL_SESSION]);
    return list.map((c) => ({
      sessionId: c.Labels?.[LABEL_SESSION] ?? '',
      owner: ownerFromLabel(c.Labels?.[LABEL_OWNER]),
      busy: c.State === 'running',
      describe: `docker container ${c.Id.slice(0, 12)} (${c.State})`,
    }));
  }

  async function reap(sessionId: string): Promise<void> {
    const list = await engine.listContainers([`${LABEL_SESSION}=${sessionId}`]);
    await Promise.all(list.map((c) => engine.remove(c.Id)));
  }

  return { name: 'docker', probe, start, describeImage: (image) => ensureImage(image), listLeftovers, reap };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function wrapContainer(engine: EngineClient, container: string, stream: Duplex, tty: boolean): SandboxProcess {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (tty) stream.pipe(stdout);
  else demuxStream(stream, stdout, stderr);
  const drained = new Promise<void>((resolve) => {
    const done = () => {
      stdout.end();
      stderr.end();
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
  if (tty) stderr.end();
  const stdin = new PassThrough();
  stdin.pipe(stream);
  let destroyed: Promise<void> | undefined;

  async function wait(): Promise<ExitStatus> {
    const result = await engine.wait(container);
    await drained;
    const state = (await engine.inspectContainer(container).catch(() => undefined))?.State;
    const code = result.StatusCode;
    return { code, signal: null, oomKilled: state?.OOMKilled === true };
  }

  return {
    stdin,
    stdout,
    stderr,
    resize: async (size) => {
      await engine.resize(container, { h: size.rows, w: size.cols }).catch(() => {});
    },
    signal: async (signal) => {
      await engine.kill(container, signal).catch(() => {});
    },
    wait,
    destroy: () => {
      destroyed ??= (async () => {
        stream.destroy();
        await engine.remove(container);
      })();
      return destroyed;
    },
  };
}
