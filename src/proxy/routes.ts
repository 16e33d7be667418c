import type { CredentialRoute } from '../policy/index.js';

export const ROUTE_PREFIX = '/_airlock/routes/';

/**
 * `/_airlock/routes/<name>/<rest>` -> the route and the upstream URL it stands for,
 * for tools configured by base URL (http://127.0.0.1:<bridge-port>/_airlock/routes/<name>).
 */
export function matchRouteUrl(routes: readonly CredentialRoute[], url: string): { route: CredentialRoute; upstream: URL } | undefined {
  if (!url.startsWith(ROUTE_PREFIX)) return undefined;
  const rest = url.slice(ROUTE_PREFIX.length);
  const slash = rest.indexOf('/');
  const name = slash === -1 ? rest.split('?')[0] : rest.slice(0, slash);
  const route = routes.find((r) => r.name === name);
  if (route?.upstream === undefined) return undefined;
  const base = new URL(route.upstream);
  const tail = slash === -1 ? '' : rest.slice(slash);
  const basePath = base.pathname.replace(/\/$/, '');
  return { route, upstream: new URL(`${base.origin}${basePath}${tail.startsWith('/') ? tail : `/${tail}`}`) };
}
