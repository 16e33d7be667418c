import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN, DRIVERS, hostWriterUid, makeRepo, tempDir, waitFor } from '../helpers.js';

/** A real terminal: tmux runs airlock, we type and read the screen as a person would. */
describe.each(DRIVERS)('airlock in a terminal on %s', (driver) => {
  const home = tempDir(`tty-${driver}`);
  const repo = makeRepo({ 'README.md': 'x\n' }, hostWriterUid(driver));
  const socket = `airlock-test-${driver}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args]).toString();
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
    home.remove();
    repo.remove();
  });

  it('gives raw mode, delivers resize and Ctrl-C inside, and passes the exit code', async () => {
    const script = 'trap "stty size" WINCH; trap "echo got-int; exit 42" INT; stty size; echo ready; while :; do sleep 0.05; done';
    const command = `cd ${repo.path} && AIRLOCK_HOME=${home.path} ${process.execPath} ${AIRLOCK_BIN} exec --driver ${driver} -- bash -c '${script}'; echo "EXIT=$?"; sleep 30`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'main', command);
    const screen = () => tmux('capture-pane', '-p', '-t', 'main');
    await waitFor(() => screen().includes('ready'), 20_000, 'the session to start');
    expect(screen()).toContain('24 80');
    tmux('resize-window', '-t', 'main', '-x', '120', '-y', '40');
    await waitFor(() => screen().includes('40 120'), 10_000, 'the resize to reach the command');
    tmux('send-keys', '-t', 'main', 'C-c');
    await waitFor(() => screen().includes('EXIT='), 10_000, 'the session to end');
    expect(screen()).toContain('got-int');
    expect(screen()).toContain('EXIT=42');
  });
});
