import type { Socket } from 'node:net';

/**
 * The file descriptor under a net.Socket, if it has one of its own (a TLSSocket over
 * another stream does not). Node has no public API for it: this reads its handle, the
 * one place the proxy does so for an fd.
 */
export function socketFd(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}
