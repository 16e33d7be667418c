import { describe, expect, it } from 'vitest';
import { builtInPolicy } from '../policy/index.js';
import { scopePolicyToTool, toolBaseUrlEnv } from './tool-scope.js';

describe('a session runs under its tool\'s scope of the policy', () => {
  const policy = builtInPolicy();
  const generic = { name: 'github', hosts: ['github.com'], ports: [443], inject: { header: 'authorization', prefix: 'Bearer ' }, source: { env: 'GH_TOKEN' }, placeholderEnv: ['GH_TOKEN'], placeholderPrefix: 'airlock-' };
  const withGeneric = { ...policy, credentials: [...policy.credentials, generic] };

  it('keeps only the tool\'s own route among routes that tools claim, and every unclaimed route', () => {
    const scoped = scopePolicyToTool(withGeneric, withGeneric.tools.claude);
    expect(scoped.credentials.map((r) => r.name)).toEqual(['anthropic', 'github']);
    expect(scoped.credentials[0]!.placeholderEnv).toEqual(['ANTHROPIC_API_KEY']);
  });

  it('gives a tool without a route (and exec) no claimed route', () => {
    expect(scopePolicyToTool(withGeneric, withGeneric.tools.shell).credentials.map((r) => r.name)).toEqual(['github']);
    expect(scopePolicyToTool(withGeneric, undefined).credentials.map((r) => r.name)).toEqual(['github']);
  });

  it('denies the tool\'s update hosts on 80 and 443 and leaves the other tools\' alone', () => {
    const scoped = scopePolicyToTool(policy, policy.tools.opencode);
    expect(scoped.egress.deny).toContainEqual({ host: 'registry.npmjs.org', ports: [80, 443], inspect: false, allowPrivate: false });
    expect(scoped.egress.deny.some((r) => r.host === 'statsig.anthropic.com')).toBe(false);
  });

  it('points the base-URL variables at the route inside the sandbox', () => {
    const scoped = scopePolicyToTool(policy, policy.tools.claude);
    expect(toolBaseUrlEnv(scoped, policy.tools.claude, 3128)).toEqual({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:3128/_airlock/routes/anthropic' });
    expect(toolBaseUrlEnv(scoped, policy.tools.shell, 3128)).toEqual({});
  });
});
