import type { BodyInspector, BodyVerdict, InspectorEvent } from './context.js';

/**
 * One inspector from several, run in order: each reads the body as the ones before it
 * left it (a redaction is what the next one sees and what is sent), their events are
 * kept in order, and the first denial ends it, with the events recorded so far.
 */
export function composeInspectors(inspectors: readonly BodyInspector[]): BodyInspector {
  return {
    async inspect(body, request): Promise<BodyVerdict> {
      const events: InspectorEvent[] = [];
      let current = body;
      let rewritten = false;
      for (const inspector of inspectors) {
        const verdict = await inspector.inspect(current, request);
        events.push(...(verdict.events ?? []));
        if (!verdict.allow) return { ...verdict, events };
        if (verdict.body !== undefined) {
          current = verdict.body;
          rewritten = true;
        }
      }
      return rewritten ? { allow: true, events, body: current } : { allow: true, events };
    },
  };
}
