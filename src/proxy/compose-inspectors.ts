import type { BodyInspector, BodyRequest, BodyStreamInspection, BodyVerdict, InspectorEvent, StreamVerdict } from './context.js';

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
    ...(inspectors.some((i) => i.stream !== undefined) ? { stream: (request: BodyRequest) => composeStreams(inspectors, request) } : {}),
  };
}

/** The stream inspections of those inspectors that read streams: the longest hold-back, the first denial. */
function composeStreams(inspectors: readonly BodyInspector[], request: BodyRequest): BodyStreamInspection {
  const streams = inspectors.flatMap((i) => (i.stream === undefined ? [] : [i.stream(request)]));
  const all = (step: (s: BodyStreamInspection) => StreamVerdict): StreamVerdict => {
    const events: InspectorEvent[] = [];
    for (const s of streams) {
      const verdict = step(s);
      events.push(...(verdict.events ?? []));
      if (!verdict.allow) return { ...verdict, events };
    }
    return { allow: true, events };
  };
  return {
    holdBack: Math.max(0, ...streams.map((s) => s.holdBack)),
    write: (chunk) => all((s) => s.write(chunk)),
    end: () => all((s) => s.end()),
  };
}
