import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressDisplay } from './progress.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (b: Buffer) => chunks.push(b.toString()));
  return { out, text: () => chunks.join('') };
}

describe('createProgressDisplay', () => {
  it('writes one plain line per step when stderr is not a terminal, leaving the last word to the command', () => {
    const { out, text } = capture();
    const d = createProgressDisplay(out, false, () => 0);
    d.update({ step: 'resolving', message: 'resolving x@1.0.0' });
    d.update({ step: 'building', message: 'building image t' });
    d.update({ step: 'building', message: 'building image t: Step 2/4 : COPY tool/ /opt/airlock/tools/x/' });
    d.update({ step: 'done', message: 'built t' });
    d.close();
    expect(text()).toBe('airlock: resolving x@1.0.0\nairlock: building image t\n');
  });

  it('rewrites one line with the seconds spent on a terminal, and clears it at the end', () => {
    const { out, text } = capture();
    let now = 0;
    const d = createProgressDisplay(out, true, () => now);
    d.update({ step: 'resolving', message: 'resolving x@1.0.0' });
    now = 3000;
    d.update({ step: 'installing', message: 'installing 3 packages' });
    d.close();
    expect(text()).toBe('\r\x1b[2Kairlock: resolving x@1.0.0 (0s)\r\x1b[2Kairlock: installing 3 packages (3s)\r\x1b[2K');
  });
});
