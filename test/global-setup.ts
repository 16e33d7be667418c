import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The suite runs against the real components. When one is missing, fail at once with
 * the fix: a missing component must never turn into skipped or passing tests.
 */
export default function setup(): void {
  const problems: string[] = [];
  if (!existsSync('dist/cli/main.js') || !existsSync('dist/native/airlock-pty')) problems.push('dist/ is not built: run npm run build');
  try {
    execFileSync('curl', ['-fsS', '--unix-socket', '/var/run/docker.sock', 'http://localhost/_ping'], { stdio: 'pipe' });
  } catch {
    problems.push('Docker Engine is not answering on /var/run/docker.sock: run scripts/setup-host.sh');
  }
  try {
    execFileSync('docker', ['image', 'inspect', 'airlock/base:bookworm'], { stdio: 'pipe' });
  } catch {
    problems.push('the base image airlock/base:bookworm is missing: run scripts/setup-host.sh');
  }
  for (const tool of ['bwrap', 'tmux']) {
    try {
      execFileSync('which', [tool], { stdio: 'pipe' });
    } catch {
      problems.push(`${tool} is not installed: run scripts/setup-host.sh`);
    }
  }
  for (const [file, what] of [['/usr/lib/postgresql/15/bin/initdb', 'PostgreSQL 15 (audit store tests)'], ['/usr/sbin/rsyslogd', 'rsyslog (syslog sink tests)']]) {
    if (!existsSync(file as string)) problems.push(`${what as string} is not installed: run scripts/setup-host.sh`);
  }
  if (problems.length > 0) throw new Error(`the test suite needs real components:\n- ${problems.join('\n- ')}`);
}
