import type { AuditEvent } from '../event.js';
import { chainRecord } from './chain.js';
import type { ChainedRecord } from './chain.js';

/** A realistic event of about 400 bytes, distinct per i (test fixture, not exported by index.ts). */
export function sampleEvent(i: number): AuditEvent {
  return {
    type: i % 7 === 0 ? 'net.request.denied' : 'net.request.allowed',
    time: new Date(Date.UTC(2024, 4, 1, 12, 0, 0) + i * 37).toISOString(),
    sessionId: `ses_01HX${String(i % 13).padStart(4, '0')}`,
    identity: { user: 'dev@example.com', agent: 'claude-code', host: 'laptop-7' },
    policyHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    http: { method: i % 3 === 0 ? 'POST' : 'GET', url: `https://registry.npmjs.org/pkg-${i}`, status: 200, bytes: 1000 + i },
    rule: i % 7 === 0 ? 'deny-default' : 'allow-npm',
    latencyMs: (i % 97) / 4,
  };
}

/** A chain of `n` sample events. */
export function sampleChain(n: number): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  for (let i = 0; i < n; i++) records.push(chainRecord(records[i - 1], sampleEvent(i)));
  return records;
}

/** Runs fn once and gives its rate for n items by wall clock and by this process's CPU time. */
export function measureRate(n: number, fn: () => void): string {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  fn();
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const rate = (s: number) => Math.round(n / s).toLocaleString('en');
  return `${rate(wallS)} events/s by wall clock, ${rate(cpuS)} events/s per CPU-second (${n.toLocaleString('en')} events, ${wallS.toFixed(2)} s)`;
}
