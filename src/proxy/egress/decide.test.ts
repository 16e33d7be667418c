import { describe, expect, it } from 'vitest';
import type { CredentialRoute, EgressRule, Policy } from '../../policy/index.js';
import { decideHost, decideRequest } from './decide.js';
import type { HostAllowed } from './decide.js';

const rule = (r: Partial<EgressRule> & { host: string }): EgressRule => ({ ports: [443], inspect: false, allowPrivate: false, ...r });
const route: CredentialRoute = { name: 'anthropic', hosts: ['api.anthropic.com'], ports: [443], inject: { header: 'x-api-key', prefix: '' }, source: { env: 'K' }, placeholderEnv: [], placeholderPrefix: 'airlock-' };

const policy: Pick<Policy, 'egress' | 'credentials'> = {
  egress: {
    allow: [
      rule({ host: 'registry.npmjs.org' }),
      rule({ host: '*.github.com' }),
      rule({ host: '**.internal.example', ports: [8443] }),
      rule({ host: 'api.example.com', inspect: true, methods: ['GET'], paths: ['/v1/**'] }),
      rule({ host: 'api.example.com', inspect: true, methods: ['POST'], paths: ['/v1/upload'] }),
      rule({ host: '10.0.0.5', ports: [80] }),
      rule({ host: 'localhost', ports: [9000], allowPrivate: true }),
      rule({ host: 'evil.github.com' }),
    ],
    deny: [rule({ host: 'evil.github.com' })],
    resolve: {},
    inspectBodyBytes: 1024,
    overInspectLimit: 'pass',
  },
  credentials: [route],
};

describe('decideHost', () => {
  it.each([
    ['registry.npmjs.org', 443, 'egress.allow.0'],
    ['REGISTRY.NPMJS.ORG.', 443, 'egress.allow.0'],
    ['api.github.com', 443, 'egress.allow.1'],
    ['a.b.internal.example', 8443, 'egress.allow.2'],
    ['api.anthropic.com', 443, 'credentials.0'],
    ['10.0.0.5', 80, 'egress.allow.5'],
    ['0x0a000005', 80, 'egress.allow.5'],
  ])('allows %s:%i by %s', (host, port, id) => {
    expect(decideHost(policy, { host, port })).toMatchObject({ allow: true, rule: id });
  });

  it.each([
    ['registry.npmjs.org.evil.com', 443, 'EGRESS_NO_RULE'],
    ['evilregistry.npmjs.org', 443, 'EGRESS_NO_RULE'],
    ['github.com', 443, 'EGRESS_NO_RULE'],
    ['a.b.github.com', 443, 'EGRESS_NO_RULE'],
    ['internal.example', 8443, 'EGRESS_NO_RULE'],
    ['registry.npmjs.org', 80, 'EGRESS_PORT'],
    ['evil.github.com', 443, 'EGRESS_DENY_RULE'],
    ['127.0.0.1', 443, 'EGRESS_IP_LITERAL'],
    ['2130706433', 443, 'EGRESS_IP_LITERAL'],
    ['10.0.0.5', 443, 'EGRESS_IP_LITERAL'],
    ['::ffff:10.0.0.6', 80, 'EGRESS_IP_LITERAL'],
    ['api.anthropic.com', 8443, 'EGRESS_NO_RULE'],
  ])('denies %s:%i with %s', (host, port, code) => {
    expect(decideHost(policy, { host, port })).toMatchObject({ allow: false, code });
  });

  it('says how to allow a denied host', () => {
    const d = decideHost(policy, { host: 'example.org', port: 443 });
    expect(d).toMatchObject({ allow: false, message: 'no egress rule allows example.org:443: add "- { host: example.org }" under egress.allow in the policy' });
  });

  it('intercepts credential-route hosts and inspect rules, tunnels the rest', () => {
    expect(decideHost(policy, { host: 'api.anthropic.com', port: 443 })).toMatchObject({ inspect: true, route: { name: 'anthropic' } });
    expect(decideHost(policy, { host: 'api.example.com', port: 443 })).toMatchObject({ inspect: true, route: undefined });
    expect(decideHost(policy, { host: 'registry.npmjs.org', port: 443 })).toMatchObject({ inspect: false });
    expect(decideHost(policy, { host: 'localhost', port: 9000 })).toMatchObject({ allowPrivate: true });
  });
});

describe('decideRequest', () => {
  const host = decideHost(policy, { host: 'api.example.com', port: 443 }) as HostAllowed;
  const target = { host: 'api.example.com', port: 443 };
  it.each([
    ['GET', '/v1/models', true, undefined],
    ['GET', '/v1/a/b?x=1', true, undefined],
    ['POST', '/v1/upload', true, undefined],
    ['POST', '/v1/models', false, 'EGRESS_PATH'],
    ['DELETE', '/v1/models', false, 'EGRESS_METHOD'],
    ['GET', '/v2/models', false, 'EGRESS_PATH'],
    ['GET', '/v1/../admin', false, 'EGRESS_PATH'],
    ['GET', '/v1/%2e%2e/admin', false, 'EGRESS_BAD_PATH'],
    ['GET', '/v1/..%2fadmin', false, 'EGRESS_BAD_PATH'],
  ])('%s %s -> %s', (method, path, allow, code) => {
    const d = decideRequest(host, method, path, target);
    expect(d.allow).toBe(allow);
    if (code !== undefined) expect(d).toMatchObject({ code });
  });

  it('lets any method and path through to a credential route without rules', () => {
    const r = decideHost(policy, { host: 'api.anthropic.com', port: 443 }) as HostAllowed;
    expect(decideRequest(r, 'POST', '/v1/messages', { host: 'api.anthropic.com', port: 443 })).toEqual({ allow: true, rule: 'credentials.0' });
  });
});
