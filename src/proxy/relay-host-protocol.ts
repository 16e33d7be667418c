import { z } from 'zod';

/**
 * Messages between the proxy and its relay host (relay-host-main.ts), over the Node IPC
 * channel of the host process. A tunnel's two sockets go as two 'socket' messages, each
 * carrying its socket as the message's handle: 'a' is the client, 'b' the upstream.
 */
export const RelayHostRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('socket'), id: z.number().int().positive(), side: z.enum(['a', 'b']), idleMs: z.number().int().positive() }),
  z.object({ type: z.literal('kill'), id: z.number().int().positive() }),
]);
export type RelayHostRequest = z.infer<typeof RelayHostRequestSchema>;

/** A tunnel's relay ended: the bytes it moved each way (client to upstream, upstream to client). */
export const RelayHostReplySchema = z.object({ type: z.literal('done'), id: z.number().int().positive(), up: z.number().int().nonnegative(), down: z.number().int().nonnegative() });
export type RelayHostReply = z.infer<typeof RelayHostReplySchema>;
