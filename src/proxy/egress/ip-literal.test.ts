import { describe, expect, it } from 'vitest';
import { ipToBigInt, parseIpLiteral } from './ip-literal.js';

/** Host -> the IPv4 address a WHATWG URL parser and inet_aton both connect to. */
const IPV4_FORMS: [string, string][] = [
  ['127.0.0.1', '127.0.0.1'],
  ['2130706433', '127.0.0.1'],
  ['0x7f000001', '127.0.0.1'],
  ['0X7F000001', '127.0.0.1'],
  ['0x7f.0.0.1', '127.0.0.1'],
  ['0177.0.0.1', '127.0.0.1'],
  ['017700000001', '127.0.0.1'],
  ['00000177.0.0.1', '127.0.0.1'],
  ['127.1', '127.0.0.1'],
  ['127.0.1', '127.0.0.1'],
  ['0x7f.1', '127.0.0.1'],
  ['0x7f.0x0.0.0x1', '127.0.0.1'],
  ['127.0.0.1.', '127.0.0.1'],
  ['127.1.', '127.0.0.1'],
  ['0', '0.0.0.0'],
  ['0x', '0.0.0.0'],
  ['0x.0.0.1', '0.0.0.1'],
  ['00', '0.0.0.0'],
  ['1.2.3.4', '1.2.3.4'],
  ['192.168.257', '192.168.1.1'],
  ['10.16777215', '10.255.255.255'],
  ['169.254.43518', '169.254.169.254'],
  ['255.255.255.255', '255.255.255.255'],
  ['4294967295', '255.255.255.255'],
  ['0xffffffff', '255.255.255.255'],
  ['037777777777', '255.255.255.255'],
  ['0x00000000000000000000007f.1', '127.0.0.1'],
  // Non-ASCII hosts are mapped (UTS #46) by WHATWG clients before IPv4 parsing.
  ['１２７．０．０．１', '127.0.0.1'],
  ['127。0。0。1', '127.0.0.1'],
  ['０ｘ７ｆ.1', '127.0.0.1'],
  ['127.0.0.1\u00ad', '127.0.0.1'],
  // WHATWG drops tabs and newlines anywhere in a URL.
  ['127.0.\n0.1', '127.0.0.1'],
  ['127.0.0.\t1', '127.0.0.1'],
];

/** Accepted by inet_aton (or recognised to fail closed) but not by a WHATWG URL parser. */
const IPV4_INET_ATON_ONLY: [string, string][] = [
  ['127.0.0.1 trailing words', '127.0.0.1'],
  [' 127.0.0.1 ', '127.0.0.1'],
  ['127.0.0.1\u0000', '127.0.0.1'],
  ['127.1\tx', '127.0.0.1'],
  ['[127.0.0.1]', '127.0.0.1'],
];

/** IPv6 that stays IPv6 -> RFC 5952 form. */
const IPV6_FORMS: [string, string][] = [
  ['::1', '::1'],
  ['[::1]', '::1'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['::0.0.0.1', '::1'],
  ['::', '::'],
  ['[::]', '::'],
  ['::0.0.0.0', '::'],
  ['FE80::1', 'fe80::1'],
  ['fe80::1%eth0', 'fe80::1'],
  ['[fe80::1%25eth0]', 'fe80::1'],
  ['fe80::1%', 'fe80::1'],
  ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['1:0:0:0:0:0:0:0', '1::'],
  ['fd00:ec2::254', 'fd00:ec2::254'],
  ['64:ff9b::7f00:1', '64:ff9b::7f00:1'],
  ['64:ff9b::127.0.0.1', '64:ff9b::7f00:1'],
  ['::ffff:0:7f00:1', '::ffff:0:7f00:1'],
  ['::1:0:0:0', '::1:0:0:0'],
  ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
];

/** IPv6 forms whose connection goes to an IPv4 address -> that address. */
const EMBEDDED_IPV4: [string, string][] = [
  ['::ffff:127.0.0.1', '127.0.0.1'],
  ['::ffff:7f00:1', '127.0.0.1'],
  ['::FFFF:7F00:1', '127.0.0.1'],
  ['[::ffff:127.0.0.1]', '127.0.0.1'],
  ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
  ['::ffff:169.254.169.254', '169.254.169.254'],
  ['::ffff:0.0.0.0', '0.0.0.0'],
  ['::127.0.0.1', '127.0.0.1'],
  ['::7f00:1', '127.0.0.1'],
  ['[::10.0.0.1]', '10.0.0.1'],
  ['::0.0.0.2', '0.0.0.2'],
  ['::ffff:127.0.0.1%eth0', '127.0.0.1'],
];

/** Host names and malformed numbers: not IP literals. */
const NOT_IP: string[] = [
  '',
  ' ',
  'example.com',
  'localhost',
  '1.2.3.4.example.com',
  'example.1.2.3.4',
  '0x7g.0.0.1',
  '256.1.1.1.1',
  '1.2.3.4.5',
  'example.0x10',
  '1e3',
  '256.0.0.1',
  '1.256.0.1',
  '1.2.3.256',
  '1.2.65536',
  '1.16777216',
  '4294967296',
  '0x100000000',
  '040000000000',
  '99999999999999999999999999',
  'foo.123',
  '123.foo',
  '09.0.0.1',
  '08',
  '0x7f..1',
  '.127.0.0.1',
  '127.0.0.1..',
  '127..0.1',
  '-1',
  '+1',
  '1.2.3.-4',
  '0x-1',
  '0x1g',
  'x1',
  '0xx1',
  '127.0.0.1:80',
  '127.0.0.1%eth0',
  '[127.0.0.1',
  '::1]',
  '[]',
  '[::1',
  ':::1',
  '1::2::3',
  '::g',
  '12345::1',
  '1:2:3:4:5:6:7:8:9',
  '::ffff:0x7f.1',
  '::ffff:127.1',
  '::ffff:127.0.0.01',
  '١٢٧.0.0.1',
  'xn--127-0.0.0.1',
];

describe('parseIpLiteral', () => {
  it.each(IPV4_FORMS)('reads %j as IPv4 %s', (host, address) => {
    expect(parseIpLiteral(host)).toEqual({ family: 4, address });
  });

  it.each(IPV4_FORMS)('agrees with the WHATWG URL parser on %j', (host, address) => {
    expect(new URL(`http://${host}/`).hostname).toBe(address);
  });

  it.each(IPV4_INET_ATON_ONLY)('reads %j as IPv4 %s (inet_aton, fail closed)', (host, address) => {
    expect(parseIpLiteral(host)).toEqual({ family: 4, address });
  });

  it.each(IPV6_FORMS)('reads %j as IPv6 %s', (host, address) => {
    expect(parseIpLiteral(host)).toEqual({ family: 6, address });
  });

  it.each(EMBEDDED_IPV4)('reads %j as the IPv4 address %s it reaches', (host, address) => {
    expect(parseIpLiteral(host)).toEqual({ family: 4, address });
  });

  it.each(NOT_IP.map((h) => [h]))('does not read %j as an IP address', (host) => {
    expect(parseIpLiteral(host)).toBeUndefined();
  });

  it.each(NOT_IP.filter((h) => h.trim() !== '' && !h.includes(':') && !h.includes('[')).map((h) => [h]))(
    'agrees with the WHATWG URL parser that %j is no IPv4 address',
    (host) => {
      let hostname: string | undefined;
      try {
        hostname = new URL(`http://${host}/`).hostname;
      } catch {
        hostname = undefined;
      }
      expect(hostname ?? '').not.toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    },
  );

  it('returns canonical output that parses back to itself', () => {
    for (const [host] of [...IPV4_FORMS, ...IPV6_FORMS, ...EMBEDDED_IPV4]) {
      const parsed = parseIpLiteral(host);
      expect(parsed && parseIpLiteral(parsed.address)).toEqual(parsed);
    }
  });
});

describe('ipToBigInt', () => {
  it.each([
    [4, '127.0.0.1', 0x7f000001n],
    [4, '127.1', 0x7f000001n],
    [4, '255.255.255.255', 0xffffffffn],
    [4, '0.0.0.0', 0n],
    [6, '::1', 1n],
    [6, '[::1]', 1n],
    [6, 'fe80::1%eth0', (0xfe80n << 112n) | 1n],
    [6, '::ffff:127.0.0.1', 0xffff7f000001n],
    [6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', (1n << 128n) - 1n],
  ] as const)('IPv%i %s is %s', (family, address, value) => {
    expect(ipToBigInt({ family, address })).toBe(value);
  });

  it.each([
    [4, '::1'],
    [4, '256.0.0.1'],
    [4, 'example.com'],
    [6, '127.0.0.1'],
    [6, '1::2::3'],
    [6, ''],
  ] as const)('IPv%i %j is not an address of that family', (family, address) => {
    expect(ipToBigInt({ family, address })).toBeUndefined();
  });
});
