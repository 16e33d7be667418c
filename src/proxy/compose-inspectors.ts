import type { BodyInspector, BodyRequest, BodyStreamInspection, BodyVerdict, HeadVerdict, InspectorEvent, StreamVerdict } from './context.js';

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
    ...(inspectors.some((i) => i.inspectHead !== undefined) ? { inspectHead: (head: Buffer, request: BodyRequest) => composeHeads(inspectors, head, request) } : {}),
  };
}

/** The head inspectors in order, as firstDenial; the path to log is the last one an inspector gave. */
function composeHeads(inspectors: readonly BodyInspector[], head: Buffer, request: BodyRequest): HeadVerdict {
  let auditPath: string | undefined;
  const steps = inspectors.flatMap((i) => {
    const inspect = i.inspectHead?.bind(i);
    if (inspect === undefined) return [];
    return [() => {
      const verdict = inspect(head, request);
      auditPath = verdict.auditPath ?? auditPath;
      return verdict;
    }];
  });
  const verdict = firstDenial(steps);
  return auditPath === undefined ? verdict : { ...verdict, auditPath };
}

/** Runs the steps in order: their events, up to and with the first denial. */
function firstDenial(steps: readonly (() => StreamVerdict)[]): StreamVerdict {
  const events: InspectorEvent[] = [];
  for (const step of steps) {
    const verdict = step();
    events.push(...(verdict.events ?? []));
    if (!verdict.allow) return { ...verdict, events };
  }
  return { allow: true, events };
}

/** The stream inspections of those inspectors that read streams: the longest hold-back, the first denial. */
function composeStreams(inspectors: readonly BodyInspector[], request: BodyRequest): BodyStreamInspection {
  const streams = inspectors.flatMap((i) => (i.stream === undefined ? [] : [i.stream(request)]));
  const all = (step: (s: BodyStreamInspection) => StreamVerdict): StreamVerdict => firstDenial(streams.map((s) => () => step(s)));
  return {
    holdBack: Math.max(0, ...streams.map((s) => s.holdBack)),
    write: (chunk) => all((s) => s.write(chunk)),
    end: () => all((s) => s.end()),
  };
}
