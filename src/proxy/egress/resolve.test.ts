import { describe, expect, it } from 'vitest';
import { resolveTarget } from './resolve.js';
import type { Lookup } from './resolve.js';

const dns = (table: Record<string, string[]>): Lookup => async (host) => {
  const addrs = table[host];
  if (addrs === undefined) throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
  return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const lookup = dns({
  'public.test': ['93.184.216.34'],
  'loop.test': ['127.0.0.1'],
  'mixed.test': ['93.184.216.34', '10.1.2.3'],
  'meta.test': ['169.254.169.254'],
  'cgnat.test': ['100.64.1.1'],
  'ula.test': ['fd00::1'],
  'mapped.test': ['::ffff:192.168.1.1'],
  'v6.test': ['2606:2800:220:1::1', '93.184.216.34'],
});

describe('resolveTarget', () => {
  it.each(['loop.test', 'mixed.test', 'meta.test', 'cgnat.test', 'ula.test', 'mapped.test'])('refuses %s, which resolves to a restricted address', async (host) => {
    expect(await resolveTarget(host, { lookup, resolveMap: {}, allowPrivate: false })).toMatchObject({ allow: false, code: 'EGRESS_PRIVATE_ADDRESS' });
  });

  it('allows a restricted address when the rule says allowPrivate', async () => {
    expect(await resolveTarget('loop.test', { lookup, resolveMap: {}, allowPrivate: true })).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
  });

  it('returns the checked address, preferring IPv4', async () => {
    expect(await resolveTarget('v6.test', { lookup, resolveMap: {}, allowPrivate: false })).toEqual({ ok: true, address: '93.184.216.34', family: 4 });
  });

  it('trusts the policy resolve map without asking DNS', async () => {
    expect(await resolveTarget('corp.internal', { lookup, resolveMap: { 'corp.internal': '10.9.9.9' }, allowPrivate: false })).toEqual({ ok: true, address: '10.9.9.9', family: 4 });
  });

  it('explains a name that does not resolve', async () => {
    expect(await resolveTarget('nowhere.test', { lookup, resolveMap: {}, allowPrivate: false })).toMatchObject({ allow: false, code: 'EGRESS_RESOLVE_FAILED', message: expect.stringContaining('egress.resolve') });
  });
});
