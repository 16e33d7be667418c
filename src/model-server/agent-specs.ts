// How each real agent CLI is run headless against the scripted model server, as
// established in AGENTS.md beside this file. Used by real-agents.integration.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One run of an agent: its fresh HOME, the repository it works in, the server. */
export interface AgentRunContext {
  home: string;
  repo: string;
  /** The scripted model server, e.g. http://127.0.0.1:41234 */
  serverUrl: string;
  key: string;
  prompt: string;
  /** The agent's program. */
  bin: string;
}

export interface AgentLaunch {
  argv: string[];
  /** Variables on top of PATH, HOME and the locale. */
  env: Record<string, string>;
}

export interface AgentSpec {
  name: 'claude-code' | 'codex' | 'opencode' | 'gemini-cli';
  pkg: string;
  version: string;
  bin: string;
  installScripts: boolean;
  /** The header the key must arrive in, and its value for a given key. */
  keyHeader: 'x-api-key' | 'authorization' | 'x-goog-api-key';
  keyValue: (key: string) => string;
  /** Writes the agent's config files into ctx.home and says how to start it. */
  prepare: (ctx: AgentRunContext) => AgentLaunch;
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const claudeCode: AgentSpec = {
  name: 'claude-code',
  pkg: '@anthropic-ai/claude-code',
  version: '2.1.330',
  bin: 'claude',
  installScripts: true,
  keyHeader: 'x-api-key',
  keyValue: (key) => key,
  prepare: (ctx) => ({
    // As root --dangerously-skip-permissions is refused; allowing the tools by name works.
    argv: [ctx.bin, '-p', ctx.prompt, '--allowedTools', 'Bash,Write,Edit,Read'],
    env: {
      ANTHROPIC_BASE_URL: ctx.serverUrl,
      ANTHROPIC_API_KEY: ctx.key,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    },
  }),
};

/** $CODEX_HOME/config.toml: a Responses-API provider on the server, nothing else reached for. */
export function codexConfig(serverUrl: string): string {
  return [
    'model = "scripted-model"',
    'model_provider = "airlock"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'apps = false',
    '',
    '[model_providers.airlock]',
    'name = "Airlock"',
    `base_url = "${serverUrl}/v1"`,
    'env_key = "AIRLOCK_MODEL_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}

const codex: AgentSpec = {
  name: 'codex',
  pkg: '@openai/codex',
  version: '0.169.0',
  bin: 'codex',
  installScripts: false,
  keyHeader: 'authorization',
  keyValue: (key) => `Bearer ${key}`,
  prepare: (ctx) => {
    const codexHome = join(ctx.home, '.codex');
    write(join(codexHome, 'config.toml'), codexConfig(ctx.serverUrl));
    // Airlock is the sandbox: Codex's own (landlock/seccomp) sandbox and approvals are off.
    const argv = [ctx.bin, 'exec', '--strict-config', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', ctx.prompt];
    return { argv, env: { CODEX_HOME: codexHome, AIRLOCK_MODEL_KEY: ctx.key } };
  },
};

/** OPENCODE_CONFIG_CONTENT: an OpenAI-compatible provider on the server, edits and bash allowed. */
export function openCodeConfig(serverUrl: string, key: string): string {
  return JSON.stringify({
    $schema: 'https://opencode.ai/config.json',
    autoupdate: false,
    share: 'disabled',
    permission: { edit: 'allow', bash: 'allow' },
    provider: {
      airlock: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Airlock',
        options: { baseURL: `${serverUrl}/v1`, apiKey: key },
        models: { scripted: { name: 'Scripted' } },
      },
    },
  });
}

const openCode: AgentSpec = {
  name: 'opencode',
  pkg: 'opencode-ai',
  version: '1.18.33',
  bin: 'opencode',
  installScripts: true,
  keyHeader: 'authorization',
  keyValue: (key) => `Bearer ${key}`,
  prepare: (ctx) => ({
    argv: [ctx.bin, 'run', '--pure', '-m', 'airlock/scripted', ctx.prompt],
    env: {
      OPENCODE_CONFIG_CONTENT: openCodeConfig(ctx.serverUrl, ctx.key),
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      // OpenCode installs @opencode-ai/plugin into ~/.config/opencode from the npm
      // registry in the background; pointed at the server, that stays on loopback (404).
      npm_config_registry: `${ctx.serverUrl}/_npm/`,
    },
  }),
};

/** ~/.gemini/settings.json: API-key auth, no telemetry, usage statistics, updates or folder trust. */
export const GEMINI_SETTINGS = {
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  security: { folderTrust: { enabled: false }, auth: { selectedType: 'gemini-api-key' } },
};

const geminiCli: AgentSpec = {
  name: 'gemini-cli',
  pkg: '@google/gemini-cli',
  version: '0.61.0',
  bin: 'gemini',
  installScripts: false,
  keyHeader: 'x-goog-api-key',
  keyValue: (key) => key,
  prepare: (ctx) => {
    write(join(ctx.home, '.gemini', 'settings.json'), `${JSON.stringify(GEMINI_SETTINGS, null, 2)}\n`);
    return {
      argv: [ctx.bin, '-p', ctx.prompt, '--approval-mode', 'yolo', '--skip-trust'],
      env: { GOOGLE_GEMINI_BASE_URL: ctx.serverUrl, GEMINI_API_KEY: ctx.key, GEMINI_CLI_NO_RELAUNCH: '1' },
    };
  },
};

export const AGENTS: readonly AgentSpec[] = [claudeCode, codex, openCode, geminiCli];
