import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import { normaliseHost } from './host-name.js';

describe('normaliseHost', () => {
  it.each([
    ['api.test.invalid', 'api.test.invalid', 'dns'],
    ['API.Test.Invalid.', 'api.test.invalid', 'dns'],
    ['localhost', 'localhost', 'dns'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', 'dns'],
    ['svc_name.internal', 'svc_name.internal', 'dns'],
    ['1.2.3.com', '1.2.3.com', 'dns'],
    ['123.example', '123.example', 'dns'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`, 'dns'],
    ['127.0.0.1', '127.0.0.1', 'ip'],
    ['::1', '::1', 'ip'],
    ['[::1]', '::1', 'ip'],
    ['2001:DB8::1', '2001:db8::1', 'ip'],
    ['::ffff:1.2.3.4', '::ffff:102:304', 'ip'],
  ] as const)('accepts %j as %j (%s)', (input, name, kind) => {
    expect(normaliseHost(input)).toEqual({ name, kind });
  });

  it.each([
    ['', 'empty'],
    ['.', 'empty'],
    ['a..b', 'empty label'],
    ['-a.example', 'leading hyphen'],
    ['a-.example', 'trailing hyphen'],
    ['*.example.com', 'wildcard'],
    ['exa mple.com', 'space'],
    ['example.com\r\nX-Evil: 1', 'CRLF'],
    ['example.com,DNS:evil.com', 'SAN smuggling'],
    ['example.com/path', 'slash'],
    ['host:443', 'port'],
    ['bücher.example', 'non-ASCII (needs an A-label)'],
    ['[example.com]', 'brackets around a name'],
    ['fe80::1%eth0', 'IPv6 zone id'],
    ['1.2.3', 'short dotted number'],
    ['256.1.1.1', 'IPv4 out of range'],
    ['01.2.3.4', 'IPv4 with leading zero'],
    [`${'a'.repeat(64)}.com`, 'label over 63 characters'],
    [`${'a.'.repeat(127)}ab`, 'name over 253 characters'],
  ])('rejects %j (%s) with AirlockError INTERNAL', (input) => {
    let thrown: unknown;
    try {
      normaliseHost(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AirlockError);
    expect((thrown as AirlockError).code).toBe('INTERNAL');
    expect((thrown as AirlockError).message).toMatch(/cannot issue a TLS certificate for host/);
  });
});
