import { describe, expect, it } from 'vitest';
import { found } from '../test-helpers.js';

type Case = [name: string, text: string, expected: string[]];

describe('database URLs', () => {
  const cases: Case[] = [
    ['PostgreSQL with a strong password', 'DATABASE_URL=postgres://app:Xk29vLq7Tz0p@db.prod.example.net:5432/app', ['database-url/high=Xk29vLq7Tz0p']],
    ['postgresql:// in JDBC', 'jdbc:postgresql://svc:Qm83nVz1Lp6t@pg.internal.example.com/x', ['database-url/high=Qm83nVz1Lp6t']],
    ['MongoDB SRV', '"mongodb+srv://reader:w7Hq2LxZ9pRt@cluster0.ab1cd.mongodb.net/db"', ['database-url/high=w7Hq2LxZ9pRt']],
    ['Redis with an empty user', 'redis://:F4kq9Zr2Wm7x@cache.example.org:6379/0', ['database-url/high=F4kq9Zr2Wm7x']],
    ['MySQL and AMQP', 'mysql://root2:Pq7wL2xZ9k@mysql.example.com/a amqps://bus:Zr8Lq2Wx7pKm@mq.example.com', ['database-url/high=Pq7wL2xZ9k', 'database-url/high=Zr8Lq2Wx7pKm']],
    ['a weak password to a local host is low', 'postgres://app:hunter22@localhost:5432/app', ['database-url/low=hunter22']],
    ['near miss: the documentation placeholder', 'postgres://user:password@localhost:5432/db', []],
    ['near miss: the password is the user name', 'postgres://postgres:postgres@db.example.com/x', []],
    ['near miss: a template variable', 'postgres://app:${DB_PASSWORD}@db.example.com/x', []],
    ['near miss: RabbitMQ defaults', 'amqp://guest:guest@localhost:5672', []],
    ['near miss: a masked password', 'postgres://app:****@db.example.com/x', []],
    ['near miss: no password', 'mysql://app@db.example.com/x', []],
    ['near miss: a port, not a password', 'redis://cache.example.com:6379/0', []],
    ['near miss: an unknown scheme', 'https://app:Xk29vLq7Tz0p@example.com/', []],
  ];
  it.each(cases)('%s', (_name, text, expected) => expect(found(text)).toEqual(expected));
});
