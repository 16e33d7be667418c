import { describe, expect, it } from 'vitest';
import { classifyAddress, isRestrictedClass, type AddressClass } from './address-class.js';
import { parseIpLiteral } from './ip-literal.js';

/** Address -> class, with the addresses just outside each block beside it. */
const IPV4: [string, AddressClass][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.255.255.255', 'unspecified'],
  ['1.0.0.0', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['126.255.255.255', 'public'],
  ['128.0.0.0', 'public'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['9.255.255.255', 'public'],
  ['11.0.0.0', 'public'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['192.168.1.1', 'private'],
  ['192.167.255.255', 'public'],
  ['192.169.0.0', 'public'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['169.254.169.253', 'link-local'],
  ['169.254.169.255', 'link-local'],
  ['169.254.170.3', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['169.253.255.255', 'public'],
  ['169.255.0.0', 'public'],
  ['100.100.100.200', 'metadata'],
  ['192.0.0.192', 'metadata'],
  ['168.63.129.16', 'metadata'],
  ['168.63.129.17', 'public'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['223.255.255.255', 'public'],
  ['255.255.255.255', 'broadcast'],
  ['255.255.255.254', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.255', 'documentation'],
  ['192.0.3.0', 'public'],
  ['198.51.101.0', 'public'],
  ['203.0.112.255', 'public'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['198.17.255.255', 'public'],
  ['198.20.0.0', 'public'],
  ['192.0.0.8', 'reserved'],
  ['192.0.1.0', 'public'],
  ['8.8.8.8', 'public'],
  ['93.184.216.34', 'public'],
];

const IPV6: [string, AddressClass][] = [
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::2', 'unspecified'], // IPv4-compatible 0.0.0.2
  ['::1:0:0:0', 'reserved'],
  ['fc00::1', 'ula'],
  ['fdff:ffff::1', 'ula'],
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public'],
  ['fe00::', 'public'],
  ['fd00:ec2::254', 'metadata'],
  ['fd00:ec2::253', 'ula'],
  ['fd00:ec2::1:254', 'ula'],
  ['fe80::1', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fe7f:ffff::1', 'public'],
  ['fec0::1', 'private'],
  ['ff02::1', 'multicast'],
  ['ff00::', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['2001:db8:ffff::1', 'documentation'],
  ['2001:db9::1', 'public'],
  ['2001:db7:ffff::1', 'public'],
  ['3fff::1', 'documentation'],
  ['3fff:fff::1', 'documentation'],
  ['3fff:1000::1', 'public'],
  ['100::1', 'reserved'],
  ['100:0:0:1::1', 'public'],
  ['64:ff9b:1::1', 'reserved'],
  ['2606:4700:4700::1111', 'public'],
  ['2001:4860:4860::8888', 'public'],
];

/** Addresses that carry an IPv4 address: classified by where they lead. */
const EMBEDDED: [string, AddressClass][] = [
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:8.8.8.8', 'public'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b::10.1.2.3', 'private'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b:0:0:0:1:7f00:1', 'reserved'], // outside the /96, inside ::/8
  ['2002:7f00:1::1', 'loopback'], // 6to4 of 127.0.0.1
  ['2002:a9fe:a9fe::', 'metadata'],
  ['2002:0808:0808::1', 'public'],
];

describe('classifyAddress', () => {
  it.each(IPV4)('IPv4 %s is %s', (address, expected) => {
    expect(classifyAddress({ family: 4, address })).toBe(expected);
  });

  it.each(IPV6)('IPv6 %s is %s', (address, expected) => {
    expect(classifyAddress({ family: 6, address })).toBe(expected);
  });

  it.each(EMBEDDED)('%s is %s', (address, expected) => {
    expect(classifyAddress({ family: 6, address })).toBe(expected);
  });

  it.each([
    ['0x7f.1', 'loopback'],
    ['2852039166', 'metadata'],
    ['[::1]', 'loopback'],
    ['FE80::1%eth0', 'link-local'],
  ] as const)('classifies the output of parseIpLiteral(%j) as %s', (host, expected) => {
    const ip = parseIpLiteral(host);
    expect(ip && classifyAddress(ip)).toBe(expected);
  });

  it.each([
    [4, 'example.com'],
    [4, '256.0.0.1'],
    [6, '1::2::3'],
    [6, ''],
  ] as const)('fails closed: IPv%i %j that does not parse is reserved', (family, address) => {
    expect(classifyAddress({ family, address })).toBe('reserved');
  });
});

describe('isRestrictedClass', () => {
  const restricted: AddressClass[] = [
    'loopback',
    'private',
    'link-local',
    'cgnat',
    'metadata',
    'ula',
    'unspecified',
    'multicast',
    'broadcast',
    'reserved',
    'documentation',
  ];

  it.each(restricted.map((c) => [c]))('%s is restricted', (c) => {
    expect(isRestrictedClass(c)).toBe(true);
  });

  it('public is not restricted', () => {
    expect(isRestrictedClass('public')).toBe(false);
  });
});
