import { describe, expect, it } from 'vitest';
import { matchRouteUrl } from '../routes.js';
import { endToEndHeaders } from './hop-by-hop.js';
import type { CredentialRoute } from '../../policy/index.js';

describe('endToEndHeaders (RFC 9110 §7.6.1)', () => {
  it('drops hop-by-hop fields and every field Connection names', () => {
    const out = endToEndHeaders({
      connection: 'close, X-Hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'proxy-connection': 'keep-alive', 'proxy-authorization': 'Basic x',
      te: 'trailers', trailer: 'x', 'transfer-encoding': 'chunked', upgrade: 'websocket', 'x-end': 'kept', accept: '*/*',
    });
    expect(out).toEqual({ 'x-end': 'kept', accept: '*/*' });
  });

  it('keeps Connection: Upgrade and Upgrade for a WebSocket handshake', () => {
    expect(endToEndHeaders({ connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' }, true)).toEqual({ connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' });
  });
});

describe('matchRouteUrl', () => {
  const routes = [{ name: 'anthropic', upstream: 'https://api.anthropic.com' }, { name: 'openai', upstream: 'https://api.openai.com/v1/' }, { name: 'nourl' }] as CredentialRoute[];
  it.each([
    ['/_airlock/routes/anthropic/v1/messages?beta=true', 'https://api.anthropic.com/v1/messages?beta=true'],
    ['/_airlock/routes/openai/chat/completions', 'https://api.openai.com/v1/chat/completions'],
    ['/_airlock/routes/anthropic', 'https://api.anthropic.com/'],
  ])('%s -> %s', (url, expected) => {
    expect(matchRouteUrl(routes, url)?.upstream.href).toBe(expected);
  });

  it.each(['/_airlock/routes/unknown/x', '/_airlock/routes/nourl/x', '/v1/messages', '/_airlock/routesanthropic/x'])('no route for %s', (url) => {
    expect(matchRouteUrl(routes, url)).toBeUndefined();
  });
});
