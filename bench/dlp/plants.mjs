// The secrets the DLP benchmark plants: one generator per kind, each returning the text
// to insert and the planted spans inside it (offsets in bytes from the start of the text).
import { BASE62, checksummedToken, jwt, pemBlock, randomBytes, randomChars, sampleTokens } from '../../src/dlp/test-tokens.js';

const BASE64URL = `${BASE62}-_`;

/** One planted value inside its context: the whole snippet and where the value sits. */
function around(before, value, after, kind) {
  return { text: `${before}${value}${after}`, spans: [{ kind, offset: Buffer.byteLength(before), length: Buffer.byteLength(value) }] };
}

/** Kind -> (rng) => snippet. Each is a line (or lines) as a developer or a tool writes it. */
export const PLANTS = {
  'github-token': (rng) => around('const githubToken = "', checksummedToken(rng, 'ghp_'), '";\n', 'github-token'),
  'github-fine-grained': (rng) => around('export GH_TOKEN=', sampleTokens(rng)['github-fine-grained'], '\n', 'github-fine-grained'),
  'gitlab-token': (rng) => around('PRIVATE-TOKEN: ', `glpat-${randomChars(rng, BASE64URL, 20)}`, '\n', 'gitlab-token'),
  'npm-token': (rng) => around('//registry.npmjs.org/:_authToken=', checksummedToken(rng, 'npm_'), '\n', 'npm-token'),
  'pypi-token': (rng) => around('password = ', sampleTokens(rng)['pypi-token'], '\n', 'pypi-token'),
  'aws-pair': (rng) => {
    const t = sampleTokens(rng);
    const before = 'aws_access_key_id = ';
    const mid = '\naws_secret_access_key = ';
    const id = t['aws-access-key-id'];
    const secret = t['aws-secret-access-key'];
    return {
      text: `[default]\n${before}${id}${mid}${secret}\n`,
      spans: [
        { kind: 'aws-access-key-id', offset: 10 + before.length, length: id.length },
        { kind: 'aws-secret-access-key', offset: 10 + before.length + id.length + mid.length, length: secret.length },
      ],
    };
  },
  'gcp-api-key': (rng) => around('const mapsKey = "', sampleTokens(rng)['gcp-api-key'], '";\n', 'gcp-api-key'),
  'gcp-service-account': (rng) => {
    const key = JSON.stringify(pemBlock(rng, 'PRIVATE KEY', 1190)).slice(1, -1);
    return around('{"type": "service_account", "project_id": "p", "private_key_id": "1a2b", "private_key": "', key, '", "client_email": "sa@p.iam.gserviceaccount.com"}\n', 'gcp-service-account');
  },
  'azure-storage-key': (rng) => around('DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=', randomBytes(rng, 64).toString('base64'), ';EndpointSuffix=core.windows.net\n', 'azure-storage-key'),
  'azure-sas': (rng) => around('GET https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-01T00:00:00Z&spr=https&sig=', encodeURIComponent(randomBytes(rng, 32).toString('base64')), ' 200\n', 'azure-sas'),
  'slack-token': (rng) => around('SLACK_BOT_TOKEN=', sampleTokens(rng)['slack-token'], '\n', 'slack-token'),
  'slack-webhook': (rng) => around('posting alert to ', sampleTokens(rng)['slack-webhook'], '\n', 'slack-webhook'),
  'discord-webhook': (rng) => around('webhook_url: ', sampleTokens(rng)['discord-webhook'], '\n', 'discord-webhook'),
  'telegram-bot-token': (rng) => around('GET https://api.telegram.org/bot', sampleTokens(rng)['telegram-bot-token'], '/getUpdates 200\n', 'telegram-bot-token'),
  'stripe-key': (rng) => around("Stripe.api_key = '", sampleTokens(rng)['stripe-key'], "'\n", 'stripe-key'),
  'anthropic-api-key': (rng) => around('ANTHROPIC_API_KEY=', sampleTokens(rng)['anthropic-api-key'], '\n', 'anthropic-api-key'),
  'openai-api-key': (rng) => around('OPENAI_API_KEY="', sampleTokens(rng)['openai-api-key'], '"\n', 'openai-api-key'),
  'private-key': (rng) => around('\n', pemBlock(rng, 'RSA PRIVATE KEY', 1190), '\n', 'private-key'),
  jwt: (rng) => around('Authorization: Bearer ', jwt(rng, { sub: `user-${Math.floor(rng() * 1e6)}`, iat: 1700000000 }), '\n', 'jwt'),
  'database-url': (rng) => around('DATABASE_URL=', sampleTokens(rng)['database-url'], '\n', 'database-url'),
  generic: (rng) => around('api_key = "', randomChars(rng, BASE62, 32), '"\n', 'generic'),
};
