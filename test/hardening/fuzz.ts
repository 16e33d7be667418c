/**
 * Seeded request mutation for the proxy fuzz test. Case `i` of seed `s` is always the
 * same bytes: each case gets its own PRNG from (s, i), so one case can be replayed alone.
 */

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
}

/** mulberry32: small, fast, good enough to pick mutations. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}

export const caseRng = (seed: number, index: number): Rng => createRng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);

/** What the seeds point at: an allowed upstream, a decoy no rule allows, a credential route. */
export interface FuzzTargets {
  up: number;
  decoy: number;
  api: number;
  route: string;
}

const WS_HEADERS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** Valid requests of every kind the proxy accepts (and a few it must refuse). */
export function seedRequests(t: FuzzTargets): string[] {
  const up = `up.test:${t.up}`;
  return [
    `GET http://${up}/a?b=c HTTP/1.1\r\nHost: ${up}\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n`,
    `POST http://${up}/post HTTP/1.1\r\nHost: ${up}\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"hello":"world"}`,
    `POST http://${up}/chunked HTTP/1.1\r\nHost: ${up}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`,
    `CONNECT ${up} HTTP/1.1\r\nHost: ${up}\r\n\r\n`,
    `CONNECT ${up} HTTP/1.1\r\nHost: ${up}\r\n\r\nGET /inner HTTP/1.1\r\nHost: ${up}\r\n\r\n`,
    `GET ws://${up}/ws HTTP/1.1\r\nHost: ${up}\r\n${WS_HEADERS}\r\n`,
    `GET http://${up}/ws HTTP/1.1\r\nHost: ${up}\r\n${WS_HEADERS}\r\n`,
    `GET /_airlock/routes/${t.route}/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    `POST /_airlock/routes/${t.route}/v1/echo-key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\nhello world`,
    `GET http://${up}/ HTTP/1.1\r\nHost: decoy.test:${t.decoy}\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n\r\n`,
    `GET http://up.test:${t.decoy}/ HTTP/1.1\r\nHost: up.test:${t.decoy}\r\n\r\n`,
    `GET http://decoy.test:${t.decoy}/ HTTP/1.1\r\nHost: decoy.test\r\n\r\n`,
    `CONNECT 127.0.0.1:${t.decoy} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    `CONNECT decoy.test:${t.decoy} HTTP/1.1\r\n\r\n`,
    `CONNECT api.test:${t.api} HTTP/1.1\r\nHost: api.test\r\n\r\n\x16\x03\x01\x00\x05hello`,
  ];
}

/** Authorities a hostile CONNECT may carry: IP literals, bad ports, no host, spaces, the decoy. */
export function weirdAuthorities(t: FuzzTargets): string[] {
  return [
    '[::1]:443', 'host:0', 'host:99999', ':443', 'host', 'a b:80', `[::1]:${t.decoy}`, `[::ffff:127.0.0.1]:${t.decoy}`, `127.1:${t.decoy}`,
    `0x7f000001:${t.decoy}`, `2130706433:${t.decoy}`, `localhost:${t.decoy}`, `up.test.:${t.up}`, `UP.TEST:${t.up}`, `up.test:${t.up}:${t.up}`,
    `up.test:+${t.up}`, `up.test:0${t.up}`, `[up.test]:${t.up}`, `up.test@decoy.test:${t.decoy}`, `*:${t.up}`, `up.test:${t.decoy}`,
    `decoy.test:${t.up}`, `[::1%lo]:${t.up}`, `[]:80`, `[:80`, `up.test:-1`, `up.test: ${t.up}`, `${'a'.repeat(300)}:80`, `..:80`, `up..test:${t.up}`,
  ];
}

export function weirdUrls(t: FuzzTargets): string[] {
  return [
    `http://127.0.0.1:${t.decoy}/`, `http://[::1]:${t.decoy}/`, `http://up.test:${t.decoy}/`, `http://up.test@127.0.0.1:${t.decoy}/`,
    `http://up.test:${t.up}@decoy.test:${t.decoy}/`, `http://UP.test.:${t.up}/`, `http://up.test:${t.up}\\@decoy.test:${t.decoy}/`,
    `http://up.test:${t.up}/%2e%2e/%2f`, `http://up.test:${t.up}/a/../../b`, `http://up.test:${t.up}/;x`, `http://0x7f.1:${t.decoy}/`,
    `http://up.test:${t.up}/${'a'.repeat(20_000)}`, `http://:${t.up}/`, `http://up.test:0/`, `http://up.test:99999/`, `https://up.test:${t.up}/`,
    `ftp://up.test:${t.up}/`, '*', '/', '//up.test/', `/_airlock/routes/${t.route}`, `/_airlock/routes/${t.route}/../../x`, '/_airlock/routes/nope/x',
    `/_airlock/routes/${t.route}/%00`, `/_airlock/routes/${t.route}?q=1`, `ws://up.test:${t.up}/`, `http://[::ffff:7f00:1]:${t.decoy}/`,
  ];
}

const TOKENS = ['\r\n', '\r', '\n', '\0', ':', ' ', '\t', '%00', '..', '/', '\r\n\r\n', ';', ',', '"', '\x7f', '\xff', 'chunked', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n'];
const METHODS = ['G ET', 'GE\0T', 'FOO', 'get', 'PRI', 'M'.repeat(100), 'CONNECT', 'OPTIONS', 'DELETE', '', 'GET\t', 'TRACE', 'SEARCH'];
const LENGTHS = ['-1', 'abc', '1e3', '99999999999999999999', '5, 6', ' 5', '0x10', '', '100000', '3'];

type Mutation = (req: string, rng: Rng, t: FuzzTargets) => string;

const lines = (req: string): { head: string[]; body: string } => {
  const end = req.indexOf('\r\n\r\n');
  const head = end === -1 ? req : req.slice(0, end);
  return { head: head.split('\r\n'), body: end === -1 ? '' : req.slice(end + 4) };
};
const join = (head: string[], body: string) => `${head.join('\r\n')}\r\n\r\n${body}`;
const pos = (s: string, rng: Rng) => rng.int(s.length + 1);

const MUTATIONS: Record<string, Mutation> = {
  flipByte: (r, rng) => {
    const i = rng.int(r.length);
    return r.slice(0, i) + String.fromCharCode(r.charCodeAt(i) ^ (1 << rng.int(8))) + r.slice(i + 1);
  },
  insertBytes: (r, rng) => {
    const i = pos(r, rng);
    const ins = rng.next() < 0.5 ? rng.pick(TOKENS) : rng.bytes(1 + rng.int(16)).toString('latin1');
    return r.slice(0, i) + ins + r.slice(i);
  },
  deleteBytes: (r, rng) => {
    const i = rng.int(r.length);
    return r.slice(0, i) + r.slice(i + 1 + rng.int(8));
  },
  truncate: (r, rng) => r.slice(0, rng.int(r.length)),
  duplicateHeader: (r, rng) => {
    const { head, body } = lines(r);
    if (head.length < 2) return r;
    const i = 1 + rng.int(head.length - 1);
    head.splice(i, 0, head[i] ?? '');
    return join(head, body);
  },
  dropHeader: (r, rng) => {
    const { head, body } = lines(r);
    if (head.length < 2) return r;
    head.splice(1 + rng.int(head.length - 1), 1);
    return join(head, body);
  },
  hugeHeader: (r, rng) => {
    const { head, body } = lines(r);
    head.splice(1, 0, `X-Huge: ${'v'.repeat(1000 + rng.int(100_000))}`);
    return join(head, body);
  },
  manyHeaders: (r, rng) => {
    const { head, body } = lines(r);
    head.splice(1, 0, ...Array.from({ length: 100 + rng.int(3000) }, (_, i) => `X-H${i}: ${i}`));
    return join(head, body);
  },
  invalidMethod: (r, rng) => r.replace(/^[A-Z]+/, rng.pick(METHODS)),
  badContentLength: (r, rng) => {
    const { head, body } = lines(r);
    const cleaned = head.filter((l) => !/^content-length:/i.test(l));
    cleaned.splice(1, 0, `Content-Length: ${rng.pick(LENGTHS)}`);
    if (rng.next() < 0.3) cleaned.splice(1, 0, `Content-Length: ${rng.int(50)}`);
    return join(cleaned, body);
  },
  bothLengthAndChunked: (r) => {
    const { head, body } = lines(r);
    head.splice(1, 0, 'Content-Length: 4', 'Transfer-Encoding: chunked');
    return join(head, body || '0\r\n\r\n');
  },
  crWithoutLf: (r, rng) => {
    const at = r.indexOf('\r\n', rng.int(r.length));
    return at === -1 ? `${r}\r` : `${r.slice(0, at)}\r${r.slice(at + 2)}`;
  },
  lfOnly: (r) => r.replace(/\r\n/g, '\n'),
  nulBytes: (r, rng) => {
    const i = pos(r, rng);
    return `${r.slice(0, i)}${'\0'.repeat(1 + rng.int(4))}${r.slice(i)}`;
  },
  longUrl: (r, rng) => r.replace(/^(\S+ \S+)/, `$1${'a'.repeat(5_000 + rng.int(100_000))}`),
  weirdConnect: (r, rng, t) => {
    const a = rng.pick(weirdAuthorities(t));
    return `CONNECT ${a} HTTP/1.1\r\nHost: ${a}\r\n\r\n${rng.next() < 0.3 ? lines(r).body : ''}`;
  },
  weirdUrl: (r, rng, t) => r.replace(/^(\S+) \S+/, `$1 ${rng.pick(weirdUrls(t))}`),
  obsFold: (r, rng) => {
    const { head, body } = lines(r);
    head.splice(1 + rng.int(Math.max(1, head.length - 1)), 0, ' folded continuation');
    return join(head, body);
  },
  noColonHeader: (r, rng) => {
    const { head, body } = lines(r);
    head.splice(1, 0, rng.pick(['NoColonHere', 'Bad Name: x', ': empty-name', 'X-Ok:\0nul']));
    return join(head, body);
  },
  badChunk: (r, rng) => {
    const { head } = lines(r);
    const chunk = rng.pick(['zz\r\nhello\r\n0\r\n\r\n', '5;ext=\0\r\nhello\r\n0\r\n\r\n', 'ffffffffffffffff\r\n', '5\r\nhelloXX0\r\n\r\n', '-1\r\n\r\n', '0\r\nX-Trailer: 1\r\n\r\n']);
    return join([...head.filter((l) => !/^(content-length|transfer-encoding):/i.test(l)), 'Transfer-Encoding: chunked'], chunk);
  },
  badVersion: (r, rng) => r.replace(/HTTP\/1\.1/, rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.10', 'HTTP/9', 'http/1.1', 'HTTP/1.1 extra', ''])),
  pipeline: (r, rng, t) => r + rng.pick(seedRequests(t)),
  garbageTail: (r, rng) => r + rng.bytes(1 + rng.int(2000)).toString('latin1'),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

export interface FuzzCase {
  index: number;
  bytes: Buffer;
  /** Seed it came from, and the mutations applied in order. */
  recipe: string;
  ending: 'wait' | 'end' | 'destroy';
  chunks: number;
}

export function makeCase(seed: number, index: number, t: FuzzTargets): FuzzCase {
  const rng = caseRng(seed, index);
  const seeds = seedRequests(t);
  const from = rng.int(seeds.length);
  let req = seeds[from] ?? '';
  const applied: string[] = [];
  for (let n = 1 + rng.int(4); n > 0; n--) {
    const name = rng.pick(MUTATION_NAMES);
    req = (MUTATIONS[name] as Mutation)(req, rng, t);
    applied.push(name);
  }
  const roll = rng.next();
  const ending = roll < 0.6 ? 'wait' : roll < 0.85 ? 'end' : 'destroy';
  return { index, bytes: Buffer.from(req, 'latin1'), recipe: `seed[${from}] + ${applied.join(' + ')}`, ending, chunks: 1 + rng.int(3) };
}
