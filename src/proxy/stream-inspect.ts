import type { IncomingMessage, ClientRequest } from 'node:http';
import type { BodyStreamInspection, InspectorEvent, StreamVerdict } from './context.js';
import { denialOf } from './deny-codes.js';
import { createWaitIfFull } from './http/relay-body.js';
import type { Denial } from './deny-codes.js';

export interface InspectedPipe {
  /** Records an inspection's events. */
  onEvents(events: readonly InspectorEvent[]): void;
  /** The inspection stopped the body: the upstream request is already destroyed. */
  onDenial(denial: Denial): void;
}

/**
 * Sends a body that streams past the inspection cap to the upstream through a stream
 * inspection: the head already read, then the rest of `req`, each chunk inspected before
 * anything after the inspection's hold-back is written, so that when a match stops the
 * body, none of its bytes has left. A denial destroys the upstream request: the upstream
 * sees a request cut off before its end, which no server acts on.
 */
export function pipeInspected(req: IncomingMessage, upstream: ClientRequest, head: Buffer, inspection: BodyStreamInspection, on: InspectedPipe): void {
  let held: Buffer = Buffer.alloc(0);
  let stopped = false;
  const waitIfFull = createWaitIfFull(req, upstream, undefined, () => !stopped);
  const take = (verdict: StreamVerdict): boolean => {
    if (verdict.events !== undefined && verdict.events.length > 0) on.onEvents(verdict.events);
    if (verdict.allow) return true;
    stopped = true;
    req.pause();
    upstream.destroy();
    on.onDenial(denialOf(verdict));
    return false;
  };
  const feed = (chunk: Buffer): void => {
    if (stopped || !take(inspection.write(chunk))) return;
    held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    const send = held.length - inspection.holdBack;
    if (send <= 0) return;
    upstream.write(held.subarray(0, send));
    held = held.subarray(send);
    waitIfFull();
  };
  req.on('data', feed);
  req.on('end', () => {
    if (stopped || !take(inspection.end())) return;
    upstream.end(held);
  });
  feed(head);
  req.resume();
}
