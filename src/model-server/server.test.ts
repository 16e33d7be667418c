import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelServer, openModelServer } from './index.js';
import type { RecordedRequest } from './index.js';
import { openSampleServer, post, SAMPLE_SCENARIO } from './test-support.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-model-server-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MESSAGE = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };

describe('recording', () => {
  it('records every request with its method, path and query, headers (API keys included) and parsed body', async () => {
    const file = join(dir, 'requests.jsonl');
    const server = await openSampleServer(file);
    try {
      await post(`${server.url}/v1/messages?beta=true`, MESSAGE, { 'x-api-key': 'sk-ant-test-1' });
      await post(`${server.url}/v1/chat/completions`, { model: 'm', messages: [] }, { authorization: 'Bearer sk-oai-test-2' });
      await post(`${server.url}/v1beta/models/g:generateContent`, { contents: [] }, { 'x-goog-api-key': 'AIza-test-3' });
      await fetch(`${server.url}/nowhere?x=1`, { method: 'DELETE', headers: { authorization: 'Bearer sk-oai-test-4' } });
    } finally {
      await server.close();
    }
    const records = server.requests();
    expect(records.map((r) => [r.method, r.path, r.route, r.status])).toEqual([
      ['POST', '/v1/messages?beta=true', 'anthropic:turn', 200],
      ['POST', '/v1/chat/completions', 'openai-chat:turn', 200],
      ['POST', '/v1beta/models/g:generateContent', 'gemini:turn', 200],
      ['DELETE', '/nowhere?x=1', 'not-found', 404],
    ]);
    expect(records[0]?.headers['x-api-key']).toBe('sk-ant-test-1');
    expect(records[1]?.headers.authorization).toBe('Bearer sk-oai-test-2');
    expect(records[2]?.headers['x-goog-api-key']).toBe('AIza-test-3');
    expect(records[3]?.headers.authorization).toBe('Bearer sk-oai-test-4');
    expect(records[0]?.body).toEqual(MESSAGE);
    expect(Date.parse(records[0]?.time ?? '')).not.toBeNaN();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as RecordedRequest);
    expect(lines).toEqual(records);
  });

  it('decodes gzip bodies and keeps bodies that are not JSON as text', async () => {
    const server = await openSampleServer();
    try {
      await send(`${server.url}/v1/messages`, gzipSync(JSON.stringify(MESSAGE)), { 'content-encoding': 'gzip' });
      await send(`${server.url}/v1/messages`, Buffer.from('not json'), {});
    } finally {
      await server.close();
    }
    expect(server.requests().map((r) => [r.body, r.status])).toEqual([
      [MESSAGE, 200],
      ['not json', 400],
    ]);
  });
});

function send(url: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serving', () => {
  it('serves HTTPS with the given certificate', async () => {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
    const certPem = readFileSync(cert, 'utf8');
    const server = await openModelServer({ scenario: SAMPLE_SCENARIO, tls: { certPem, keyPem: readFileSync(key, 'utf8') } });
    try {
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
      const text = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/v1/models`, { ca: certPem, headers: { 'x-api-key': 'k' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(text)).toMatchObject({ data: [{ id: 'claude-scripted' }] });
    } finally {
      await server.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const server = await openSampleServer();
    try {
      await expect(openModelServer({ scenario: SAMPLE_SCENARIO, port: server.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await server.close();
    }
  });

  it('gives a listener any node:http server can serve', async () => {
    const model = createModelServer({ scenario: SAMPLE_SCENARIO, workdir: '/elsewhere' });
    const http = createServer(model.listener);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const address = http.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const tools = [{ name: 'Write', input_schema: { properties: { file_path: {}, content: {} } } }];
      const answer = await post(`http://127.0.0.1:${port}/v1/messages`, { ...MESSAGE, tools });
      expect(JSON.parse(answer.text)).toMatchObject({ content: [{ input: { file_path: '/elsewhere/notes/hello.txt' } }] });
      expect(model.requests()).toHaveLength(1);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
