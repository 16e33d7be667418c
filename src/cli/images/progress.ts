import type { Writable } from 'node:stream';
import type { BuildProgress } from '../../images/index.js';

export interface ProgressDisplay {
  update: (progress: BuildProgress) => void;
  /** Ends the display (clears a terminal's line); call once, also on failure. */
  close: () => void;
}

const REFRESH_MS = 1000;

/**
 * On a terminal: one line rewritten in place, with the seconds spent. Elsewhere: a plain
 * line each time the build moves to another step (Docker's own lines are not repeated).
 */
export function createProgressDisplay(out: Writable, isTty: boolean, nowMs: () => number): ProgressDisplay {
  const started = nowMs();
  if (!isTty) {
    let last: string | undefined;
    return {
      update: (p) => {
        if (isFinal(p)) return;
        if (p.step !== last) out.write(`airlock: ${p.message}\n`);
        last = p.step;
      },
      close: () => {},
    };
  }
  let message = '';
  const draw = () => {
    const seconds = Math.floor((nowMs() - started) / 1000);
    const columns = (out as { columns?: number }).columns ?? 80;
    out.write(`\r\x1b[2K${`airlock: ${message} (${seconds}s)`.slice(0, Math.max(20, columns - 1))}`);
  };
  const timer = setInterval(draw, REFRESH_MS);
  timer.unref();
  return {
    update: (p) => {
      if (isFinal(p)) return;
      message = p.message;
      draw();
    },
    close: () => {
      clearInterval(timer);
      out.write('\r\x1b[2K');
    },
  };
}

/** The last word (built, or up to date) is the command's to say, after the display closes. */
const isFinal = (p: BuildProgress) => p.step === 'done' || p.step === 'skipped';
