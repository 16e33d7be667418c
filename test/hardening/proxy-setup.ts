import type { AuditEvent } from '../../src/audit/index.js';
import type { EgressRule } from '../../src/policy/index.js';
import { openTestProxy } from '../proxy-harness.js';
import type { TestProxy, TestProxyOptions } from '../proxy-harness.js';
import { viaProxy } from './raw-client.js';

/** The real secret of the credential routes in the hardening tests: it must never show up in an event or a response. */
export const SECRET = 'S3CR3T-hardening-5b1f0c9e77';

export const rule = (host: string, port: number, inspect = false): EgressRule => ({ host, ports: [port], inspect, allowPrivate: false });

/** Every proxy the hardening tests opened, for the checks over all audit events. */
export const openedEvents: AuditEvent[][] = [];

/** Errors that escaped to the process during the current test: each one would have crashed a real proxy. */
export const uncaught: Error[] = [];
/** The same over the whole file. */
export const allUncaught: Error[] = [];
const record = (e: unknown) => {
  uncaught.push(e as Error);
  allUncaught.push(e as Error);
};

/** Starts a new test's record (call in beforeEach), so one crash fails the test that caused it, not every later one. */
export function resetUncaught(): void {
  uncaught.length = 0;
}

export function watchUncaught(): () => void {
  process.on('uncaughtException', record);
  return () => void process.off('uncaughtException', record);
}

export interface HardenedOptions extends TestProxyOptions {
  /** The plain-HTTP upstream the liveness check talks to (up.test). */
  livePort: number;
  allow?: EgressRule[];
  resolve?: Record<string, string>;
}

/** A proxy that allows up.test on livePort plus `allow`, with `resolve` names on 127.0.0.1. */
export async function openHardenedProxy(options: HardenedOptions): Promise<TestProxy> {
  const { livePort, allow = [], resolve = {}, egress = {}, ...rest } = options;
  const proxy = await openTestProxy({
    ...rest,
    egress: { ...egress, resolve: { 'up.test': '127.0.0.1', ...resolve }, allow: [rule('up.test', livePort), ...allow] },
  });
  openedEvents.push(proxy.events);
  return proxy;
}

/** "write EPIPE at src/proxy/http/deny-response.ts:26:10 <- src/proxy/server.ts:66:31": the message and the proxy's own frames. */
export function describeCrash(e: Error): string {
  const frames = (e.stack ?? '').split('\n').flatMap((l) => /\/(src\/[^):]+:\d+:\d+)/.exec(l)?.[1] ?? []);
  return `${e.message}${frames.length > 0 ? ` at ${frames.slice(0, 3).join(' <- ')}` : ''}`;
}

/**
 * The liveness check: a normal request through the proxy to an allowed upstream is
 * answered 200 within `withinMs`, and nothing escaped as an uncaught exception.
 */
export async function checkAlive(proxy: TestProxy, livePort: number, withinMs = 1000): Promise<{ status: number; ms: number; crashes: string[] }> {
  const crashes = uncaught.map(describeCrash);
  try {
    const res = await viaProxy(proxy.socketPath, `http://up.test:${livePort}/live`, { timeoutMs: withinMs });
    return { status: res.status, ms: res.ms, crashes };
  } catch (error) {
    return { status: 0, ms: withinMs, crashes: [...crashes, `liveness request failed: ${(error as Error).message}`] };
  }
}

/** Runs `fn` over `items`, at most `width` at a time, keeping order. */
export async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
