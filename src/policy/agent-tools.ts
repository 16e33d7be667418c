import type { CredentialRoute } from './egress-schema.js';
import type { Tool } from './tool-schema.js';

/** Inside the sandbox, the base URL of a credential route (the bridge's port is fixed). */
const routeUrl = (route: string) => `http://127.0.0.1:3128/_airlock/routes/${route}`;

const NPM_UPDATE_HOSTS = ['registry.npmjs.org', 'registry.yarnpkg.com'];

const claude: Tool = {
  description: 'Claude Code (Anthropic), pinned and approved.',
  image: 'airlock/tool-claude:2.1.330',
  entrypoint: ['claude'],
  package: {
    name: '@anthropic-ai/claude-code', version: '2.1.330', installScripts: true,
    integrity: 'sha512-KQMl6kixLMGHRCDUhkUPebuBhw13MpxlH3+17QzHQx40FNVd1z3uFKUSqQXB5zF9vLQGcpoC/8wWe5R35lsWvQ==',
  },
  credential: { route: 'anthropic', apiKeyEnv: ['ANTHROPIC_API_KEY'], baseUrlEnv: ['ANTHROPIC_BASE_URL'] },
  env: { DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1', DISABLE_ERROR_REPORTING: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  files: {},
  egress: [],
  updateHosts: [...NPM_UPDATE_HOSTS, 'storage.googleapis.com', 'statsig.anthropic.com', '**.sentry.io'],
  persist: ['.claude'],
};

const opencode: Tool = {
  description: 'OpenCode (sst), pinned and approved; speaks the OpenAI-compatible API.',
  image: 'airlock/tool-opencode:1.18.33',
  entrypoint: ['opencode'],
  package: {
    name: 'opencode-ai', version: '1.18.33', installScripts: true,
    integrity: 'sha512-58P1ffLRXiAY4QeoABqUjqf6DEzm1ihpovvn9Ad+oOLbLiwK/rf88wruT9IATJ7AtNjmi8iA7pC8tN4o5y799Q==',
  },
  credential: { route: 'openai', apiKeyEnv: ['OPENAI_API_KEY'], baseUrlEnv: [] },
  env: {
    OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_CONFIG_CONTENT: JSON.stringify({
      autoupdate: false, share: 'disabled', model: 'airlock/gpt-5',
      permission: { edit: 'allow', bash: 'allow', external_directory: 'allow' },
      provider: { airlock: { npm: '@ai-sdk/openai-compatible', name: 'OpenAI through Airlock', options: { baseURL: `${routeUrl('openai')}/v1`, apiKey: '{env:OPENAI_API_KEY}' }, models: { 'gpt-5': { name: 'gpt-5' } } } },
    }),
  },
  files: {},
  egress: [],
  updateHosts: [...NPM_UPDATE_HOSTS, 'models.dev', 'opencode.ai', '**.opencode.ai'],
  persist: ['.local'],
};

const codex: Tool = {
  description: 'Codex CLI (OpenAI), pinned and approved.',
  image: 'airlock/tool-codex:0.169.0',
  entrypoint: ['codex'],
  package: {
    name: '@openai/codex', version: '0.169.0', installScripts: false,
    integrity: 'sha512-KhzYlkKPxoNssR8CEm45IjqnFWn7UtlF4CiD3tOJPea51xBs7MaHy0UQG9GSbCqk6Lrjn5QdJDV0QD1/FgWlGw==',
  },
  credential: { route: 'openai', apiKeyEnv: ['OPENAI_API_KEY'], baseUrlEnv: [] },
  env: { CODEX_HOME: '/home/agent/.codex' },
  files: {
    '.codex/config.toml': [
      'model = "gpt-5"', 'model_provider = "airlock"', 'check_for_update_on_startup = false', '',
      '[model_providers.airlock]', 'name = "OpenAI through Airlock"', `base_url = "${routeUrl('openai')}/v1"`,
      'env_key = "OPENAI_API_KEY"', 'wire_api = "responses"', '', '[analytics]', 'enabled = false', '',
      '[features]', 'plugins = false', 'apps = false', '',
    ].join('\n'),
  },
  egress: [],
  updateHosts: [...NPM_UPDATE_HOSTS, 'github.com', 'chatgpt.com', '**.chatgpt.com'],
  persist: ['.codex'],
};

const gemini: Tool = {
  description: 'Gemini CLI (Google), pinned and approved.',
  image: 'airlock/tool-gemini:0.61.0',
  entrypoint: ['gemini'],
  package: {
    name: '@google/gemini-cli', version: '0.61.0', installScripts: false,
    integrity: 'sha512-dbQ9A0qBtFJNi6XBkHvfZ6Azpn6PNgH/P8h2MZ67RLlX8hSAVjup39CRWqdRxZv7YXIuhrFaytr8y0jKnkoxnQ==',
  },
  credential: { route: 'gemini', apiKeyEnv: ['GEMINI_API_KEY'], baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'] },
  env: { GEMINI_CLI_NO_RELAUNCH: '1' },
  files: {
    '.gemini/settings.json': JSON.stringify({
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false },
      security: { folderTrust: { enabled: false }, auth: { selectedType: 'gemini-api-key' } },
    }, null, 2),
  },
  egress: [],
  updateHosts: [...NPM_UPDATE_HOSTS, 'play.googleapis.com', 'cloudcode-pa.googleapis.com'],
  persist: ['.gemini'],
};

/** The approved-agent catalog Airlock ships: the four agents, pinned by version and integrity. */
export const AGENT_TOOLS: Readonly<Record<string, Tool>> = { claude, opencode, codex, gemini };

/** Model-provider routes the agents use; the real key comes from airlock's own environment. */
export const AGENT_ROUTES: readonly CredentialRoute[] = [
  { name: 'anthropic', hosts: ['api.anthropic.com'], ports: [443], inject: { header: 'x-api-key', prefix: '' }, source: { env: 'ANTHROPIC_API_KEY' }, placeholderEnv: [], placeholderPrefix: 'sk-ant-airlock-', upstream: 'https://api.anthropic.com', dlp: 'redact' },
  { name: 'openai', hosts: ['api.openai.com'], ports: [443], inject: { header: 'authorization', prefix: 'Bearer ' }, source: { env: 'OPENAI_API_KEY' }, placeholderEnv: [], placeholderPrefix: 'sk-airlock-', upstream: 'https://api.openai.com', dlp: 'redact' },
  { name: 'gemini', hosts: ['generativelanguage.googleapis.com'], ports: [443], inject: { header: 'x-goog-api-key', prefix: '' }, source: { env: 'GEMINI_API_KEY' }, placeholderEnv: [], placeholderPrefix: 'airlock-', upstream: 'https://generativelanguage.googleapis.com', dlp: 'redact' },
];
