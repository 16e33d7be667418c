/** Where Airlock's own diagnostics go (never the sandbox's output). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface StreamLoggerOptions {
  write: (line: string) => void;
  verbose: boolean;
}

export function createStreamLogger(options: StreamLoggerOptions): Logger {
  return {
    info: (m) => options.write(`airlock: ${m}\n`),
    warn: (m) => options.write(`airlock: warning: ${m}\n`),
    debug: (m) => {
      if (options.verbose) options.write(`airlock: debug: ${m}\n`);
    },
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, debug: () => {} };
