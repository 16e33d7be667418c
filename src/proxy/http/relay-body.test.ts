import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { relayBody } from './relay-body.js';

/** A sink that takes a while per write (a slow client) and records what it got. */
function slowSink() {
  const got: Buffer[] = [];
  let deepest = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      got.push(chunk);
      setImmediate(done);
    },
  });
  const watch = setInterval(() => (deepest = Math.max(deepest, sink.writableLength)), 0);
  const finished = new Promise<void>((resolve) => sink.on('finish', () => {
    clearInterval(watch);
    resolve();
  }));
  return { sink, finished, body: () => Buffer.concat(got), deepest: () => deepest };
}

describe('relayBody', () => {
  it('copies a body byte-exact, reading on until the sink holds maxBuffered, then waiting for it', async () => {
    const body = randomBytes(4 * 1024 * 1024);
    const source = new PassThrough({ highWaterMark: 64 * 1024 });
    const { sink, finished, body: received, deepest } = slowSink();
    let pauses = 0;
    source.on('pause', () => pauses++);
    relayBody(source, sink, { maxBuffered: 256 * 1024 });
    for (let at = 0; at < body.length; at += 16 * 1024) {
      if (!source.write(body.subarray(at, at + 16 * 1024))) await new Promise((resolve) => source.once('drain', resolve));
    }
    source.end();
    await finished;
    expect(received().equals(body)).toBe(true);
    // It waited for the sink (a pause per 256 KiB, not per 16 KiB chunk), and never held much more.
    expect(pauses).toBeGreaterThan(0);
    expect(pauses).toBeLessThan(body.length / (256 * 1024) + 2);
    expect(deepest()).toBeGreaterThan(16 * 1024);
    expect(deepest()).toBeLessThanOrEqual(256 * 1024 + 16 * 1024);
  });

  it('sends the body through a map, and what the map still holds at the end', async () => {
    const source = new PassThrough();
    const { sink, finished, body } = slowSink();
    let held = '';
    relayBody(source, sink, {
      map: {
        write: (chunk) => {
          const text = held + chunk.toString();
          held = text.slice(-2);
          return text.length > 2 ? Buffer.from(text.slice(0, -2).toUpperCase()) : undefined;
        },
        end: () => Buffer.from(`${held}!`),
      },
    });
    source.write('ab');
    source.write('cdef');
    source.end();
    await finished;
    expect(body().toString()).toBe('ABCDef!');
  });

  it('resumes a source that was paused (a body read up to the inspection cap)', async () => {
    const source = new PassThrough();
    source.write('head');
    source.pause();
    const { sink, finished, body } = slowSink();
    relayBody(source, sink);
    source.end('tail');
    await finished;
    expect(body().toString()).toBe('headtail');
  });
});
