import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Reads bwrap's --info-fd JSON until it names the sandbox's pid ("child-pid").
 * Undefined when bwrap exits first (its stderr then says why).
 */
export function readChildPid(child: ChildProcess, info: Readable): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (pid: number | undefined) => {
      info.off('data', onData);
      child.off('exit', onExit);
      resolve(pid);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) finish(Number(match[1]));
    };
    const onExit = () => finish(undefined);
    info.on('data', onData);
    child.once('exit', onExit);
  });
}
