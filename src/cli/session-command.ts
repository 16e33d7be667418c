import type { ReadStream, WriteStream } from 'node:tty';
import v8 from 'node:v8';
import { AirlockError, createSessionId } from '../core/index.js';
import type { DriverName, EffectivePolicy, Tool } from '../policy/index.js';
import { loadEffectivePolicy } from '../policy/index.js';
import { setProxyHeapGrowth } from '../proxy/index.js';
import { chooseDriver } from '../sandbox/index.js';
import type { SandboxDriver } from '../sandbox/index.js';
import { PROXY_PORT, collectGarbage, runSession, scopePolicyToTool, toolBaseUrlEnv } from '../session/index.js';
import type { SessionIo, SignalSource } from '../session/index.js';
import { resolveRepo } from '../workspace/index.js';
import { createGitRunner } from '../workspace/index.js';
import { approvedImage } from './approved-image.js';
import { makeReviewCopy } from './review/review-copy.js';
import { actorOf, openAuditStore, startSinks } from './audit-store.js';
import { dockerSocketFrom, orgPolicyFile } from './context.js';
import type { CliContext } from './context.js';

export interface SessionRequest {
  repo: string | undefined;
  driver: string | undefined;
  /** Picks image, argv and env from the effective policy. */
  /** Review mode: work on a copy; the changes wait for `airlock apply` or `airlock discard`. */
  review?: boolean;
  resolve: (policy: EffectivePolicy) => { tool: string; image: string; argv: string[]; env: Record<string, string>; definition?: Tool };
}


function parseDriver(value: string | undefined): DriverName | undefined {
  if (value === undefined || value === 'docker' || value === 'bwrap') return value;
  throw new AirlockError('USAGE', `unknown driver "${value}": use --driver docker or --driver bwrap`);
}

function sessionIo(ctx: CliContext): SessionIo {
  const stdin = ctx.stdin as ReadStream;
  const stdout = ctx.stdout as WriteStream;
  const isTty = stdin.isTTY === true && stdout.isTTY === true;
  return {
    stdin, stdout, stderr: ctx.stderr, term: ctx.env.TERM,
    terminal: isTty
      ? {
          size: () => ({ rows: stdout.rows, cols: stdout.columns }),
          setRaw: (raw) => stdin.setRawMode(raw),
          onResize: (listener) => {
            stdout.on('resize', listener);
            return () => stdout.off('resize', listener);
          },
        }
      : null,
  };
}

const processSignals: SignalSource = {
  on(signal, handler) {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
};

/** Explains a failed start with the driver's own diagnosis when it has one. */
async function startFailure(driver: SandboxDriver, error: unknown): Promise<unknown> {
  if (!(error instanceof AirlockError) || error.code !== 'SANDBOX_FAILED') return error;
  const probe = await driver.probe();
  return probe.ok ? error : new AirlockError('DRIVER_UNAVAILABLE', `${probe.reason}: ${probe.fix}`, { cause: error });
}

/** bwrap has no images: the approved one's root filesystem, unpacked once per digest. */
async function unpackedImage(ctx: CliContext, digest: string): Promise<string> {
  const { materializeRootfs } = await import('../images/index.js');
  const onUnpack = () => ctx.logger.info(`unpacking image ${digest.slice(0, 19)} for bwrap (once per image)`);
  return materializeRootfs({ dockerSocket: dockerSocketFrom(ctx.env), digest, home: ctx.home, onUnpack });
}

/** run and exec: policy -> driver -> gc -> session; returns the exit code. */
export async function runSessionCommand(ctx: CliContext, request: SessionRequest): Promise<number> {
  const requested = parseDriver(request.driver);
  const repoDir = await resolveRepo(request.repo ?? '.', ctx.cwd);
  const loaded = await loadEffectivePolicy({ orgFile: orgPolicyFile(ctx), repoDir });
  const { tool, image: named, argv, env, definition } = request.resolve(loaded);
  const scoped = scopePolicyToTool(loaded.policy, definition);
  const policy = { ...loaded, policy: scoped };
  const toolEnv = { ...env, ...toolBaseUrlEnv(scoped, definition, PROXY_PORT) };
  // The store's thread starts while the driver is chosen and leftovers are collected.
  const opening = openAuditStore(ctx, policy.policy.audit, true);
  let driver: SandboxDriver;
  let image: string;
  let rootfs: string | undefined;
  try {
    driver = await chooseDriver(requested ?? policy.policy.sandbox.driver, ctx.drivers);
    await collectGarbage({ home: ctx.home, drivers: [driver], logger: ctx.logger });
    image = await approvedImage({ home: ctx.home, policy: scoped, toolName: tool, tool: definition, image: named, driver, drivers: ctx.drivers });
    rootfs = driver.name === 'bwrap' && definition?.package !== undefined ? await unpackedImage(ctx, image) : undefined;
  } catch (error) {
    void opening.then((s) => s.close(), () => undefined);
    throw error;
  }
  const store = await opening;
  // This process relays the session's traffic from here on.
  setProxyHeapGrowth((flags) => v8.setFlagsFromString(flags));
  const sessionId = createSessionId(ctx.clock.nowMs());
  const workDir = request.review !== true ? repoDir : await makeReviewCopy(ctx.home, sessionId, repoDir).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const forwarder = await startSinks(ctx, policy.policy.audit, store).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  try {
    const result = await runSession({
      home: ctx.home, repoDir: workDir, sessionId, ...(workDir === repoDir ? {} : { reviewOf: repoDir }), policy, driver, image, argv, toolEnv, toolName: tool, ...(definition ? { tool: definition } : {}), ...(rootfs === undefined ? {} : { rootfs, describeImage: (ref: string) => ctx.drivers.docker.describeImage(ref) }), privileged: process.getuid?.() === 0,
      io: sessionIo(ctx), signals: processSignals, clock: ctx.clock, logger: ctx.logger, ownerPid: process.pid,
      bridgePath: ctx.helpers.bridge, relayHostPath: ctx.helpers.relayHost, env: ctx.env,
      audit: { store, policy: policy.policy.audit, actor: actorOf(ctx), git: createGitRunner({ env: ctx.env }), ...(forwarder ? { sinks: forwarder } : {}) },
    });
    if (workDir !== repoDir) {
      ctx.stderr.write(`airlock: review: the changes are in a copy; see them with airlock sessions diff ${sessionId}, then airlock apply ${sessionId} or airlock discard ${sessionId}\n`);
    }
    return result.exit.code;
  } catch (error) {
    throw await startFailure(driver, error);
  } finally {
    await forwarder?.stop();
    await store.close();
  }
}
