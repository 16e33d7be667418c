import { describe, expect, it } from 'vitest';
import { AirlockError } from './errors.js';
import { canonicalize } from './jcs.js';

/** A double from its IEEE 754 bit pattern, as RFC 8785 Appendix B lists them. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('writes the §3.2.2 example exactly', () => {
    // Parsed from the RFC's own input text, so the JSON parser's number reading is covered too.
    const input = JSON.parse(
      String.raw`{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
      }`,
    ) as unknown;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalize(input)).toBe(expected);
  });

  it('sorts keys by UTF-16 code units (§3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders by code unit, not code point: an astral key sorts before U+FB33 (near miss of code point order)', () => {
    // By code point U+1F600 > U+FB33; by UTF-16 code unit 0xD83D < 0xFB33.
    expect(canonicalize({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
    expect(canonicalize({ b: 1, B: 2, a: 3, aa: 4, '': 5 })).toBe('{"":5,"B":2,"a":3,"aa":4,"b":1}');
  });

  it('sorts integer-like keys as strings, not in the numeric order JavaScript enumerates them (near miss)', () => {
    const value = { 9: 'nine', 10: 'ten', 1: 'one', a: 'a' };
    expect(Object.keys(value)).toEqual(['1', '9', '10', 'a']);
    expect(canonicalize(value)).toBe('{"1":"one","10":"ten","9":"nine","a":"a"}');
  });

  it('sorts objects with many keys the same way (the Array.prototype.sort path)', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}`);
    const value = Object.fromEntries(keys.map((k) => [k, 1]));
    expect(Object.keys(JSON.parse(canonicalize(value)) as object)).toEqual([...keys].sort());
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the Appendix B number 0x%s as %s', (bits, text) => {
    expect(canonicalize(fromBits(bits))).toBe(text);
  });

  it.each([
    [1e30, '1e+30'],
    [4.5, '4.5'],
    [2e-3, '0.002'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [-0, '0'],
    [-1.5, '-1.5'],
    [123, '123'],
  ])('writes the number %s as %s', (value, text) => {
    expect(canonicalize(value)).toBe(text);
    expect(canonicalize([value])).toBe(`[${text}]`);
  });

  it('parses "4.50", "2e-3" and "1E30" to the same output as their shortest forms (near misses of the spelling)', () => {
    expect(canonicalize(JSON.parse('[4.50, 2e-3, 1E30, 1e+30, 0.0000010]'))).toBe('[4.5,0.002,1e+30,1e+30,0.000001]');
  });

  it.each([
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['short escapes', '\b\t\n\f\r', '"\\b\\t\\n\\f\\r"'],
    ['other controls as lowercase \\u00xx', '\u0000\u000f\u001f', '"\\u0000\\u000f\\u001f"'],
    ['DEL and U+2028 stay literal', '\u007f\u2028', '"\u007f\u2028"'],
    ['slash stays literal', '/', '"/"'],
    ['non-ASCII stays literal', '€ö😀', '"€ö😀"'],
  ])('escapes strings as §3.2.2.2 says: %s', (_name, value, text) => {
    expect(canonicalize(value)).toBe(text);
  });

  it('writes literals, nesting and empty containers without whitespace', () => {
    expect(canonicalize({ z: [true, false, null, {}, []], a: { d: 1, c: { f: 'x', e: [] } } })).toBe(
      '{"a":{"c":{"e":[],"f":"x"},"d":1},"z":[true,false,null,{},[]]}',
    );
  });

  it('omits undefined members as JSON.stringify does, and keeps null ones', () => {
    expect(canonicalize({ a: undefined, b: null, c: 1 })).toBe('{"b":null,"c":1}');
    expect(canonicalize(Object.create(null) as object)).toBe('{}');
  });

  it('equals JSON.stringify with sorted keys on ordinary data (near miss: only key order differs)', () => {
    const value = { type: 'net.request.allowed', time: '2024-05-01T12:00:00.000Z', n: [1, 2.5, -3e-9], s: 'é"\n' };
    const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(canonicalize(value)).toBe(JSON.stringify(sorted));
  });

  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  class Custom {
    x = 1;
  }

  it.each([
    ['undefined at the top level', undefined, /\$: undefined is not a JSON value/],
    ['NaN', Number.NaN, /NaN is not a JSON number/],
    ['Infinity', Number.POSITIVE_INFINITY, /Infinity is not a JSON number/],
    ['-Infinity in an object', { a: Number.NEGATIVE_INFINITY }, /\$\.a: -Infinity/],
    ['a function member', { f: () => 1 }, /\$\.f: a function/],
    ['a symbol', Symbol('s'), /a symbol/],
    ['a BigInt', { n: 1n }, /\$\.n: a bigint/],
    ['undefined in an array', [1, undefined], /\$\[1\]: undefined/],
    ['a hole in an array', [1, , 3], /\$\[1\]: undefined/],
    ['a Date', { when: new Date(0) }, /\$\.when: a Date object/],
    ['a Map', new Map(), /a Map object/],
    ['a Buffer', { b: Buffer.from('x') }, /\$\.b: a Buffer object/],
    ['a class instance', [new Custom()], /\$\[0\]: a Custom object/],
    ['an object with toJSON', { a: { toJSON: () => 'x' } }, /\$\.a\.toJSON: a function/],
    ['a cycle', cycle, /\$\.self: the value contains itself/],
    ['a lone high surrogate', 'a\ud800', /lone UTF-16 surrogate/],
    ['a lone low surrogate in a key', { 'k\udc00': 1 }, /\$\["k\\udc00"\]: the string holds a lone/],
  ])('refuses %s with AirlockError INTERNAL naming the path', (_name, value, message) => {
    let thrown: unknown;
    try {
      canonicalize(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AirlockError);
    expect((thrown as AirlockError).code).toBe('INTERNAL');
    expect((thrown as AirlockError).message).toMatch(message);
  });

  it('accepts a well-formed surrogate pair and the same object twice when it is not a cycle (near misses)', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared, e: '\ud83d\ude00' })).toBe('{"a":{"x":1},"b":{"x":1},"e":"😀"}');
  });

  it('never puts the refused value in the message', () => {
    expect(() => canonicalize({ token: { secret: new Date(1234567890123) } })).toThrow(/\$\.token\.secret/);
    expect(() => canonicalize({ token: { secret: new Date(1234567890123) } })).not.toThrow(/1234567890123|2009/);
  });
});
