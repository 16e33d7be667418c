import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { z } from 'zod';
import { AirlockError } from '../core/index.js';
import { socketFd } from './socket-fd.js';

/**
 * Raises a client socket's kernel send buffer (native/send-buffer.h says why): what the
 * proxy writes to the sandbox can then wait in the kernel, 1 MiB of it, instead of
 * 208 KiB. The proxy calls it on each connection it accepts. Returns the socket's send
 * buffer after the call (bytes), undefined for a socket without a file descriptor.
 */
export type WidenSendBuffer = (socket: Socket) => number | undefined;

const AddonSchema = z.object({ widenSendBuffer: z.custom<(fd: number) => number>((v) => typeof v === 'function', 'a function') });

/** Loads dist/native/airlock-sockets.node (scripts/build-native.mjs builds it). */
export function loadSendBufferWidener(addonPath: string): WidenSendBuffer {
  if (!existsSync(addonPath)) throw new AirlockError('INTERNAL', `the proxy's socket addon ${addonPath} is missing: run npm run build`);
  let addon: z.infer<typeof AddonSchema>;
  try {
    addon = AddonSchema.parse(createRequire(import.meta.url)(addonPath));
  } catch (error) {
    throw new AirlockError('INTERNAL', `the proxy's socket addon ${addonPath} cannot be loaded (${(error as Error).message}): run npm run build`, { cause: error });
  }
  return (socket) => {
    const fd = socketFd(socket);
    return fd === undefined ? undefined : addon.widenSendBuffer(fd);
  };
}
