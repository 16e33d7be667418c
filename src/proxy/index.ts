/**
 * proxy: the per-session governance proxy, the only way out of a sandbox. HTTP
 * forward proxy and CONNECT on a Unix socket; default deny; IP literals and private
 * addresses refused unless named; TLS interception only where a credential route or
 * an inspect rule needs it; placeholders swapped for real secrets only toward the
 * route's own hosts, and scrubbed from responses.
 * Failures: CONFIG_INVALID (a credential source, the CA bundle, the socket path).
 * Invariant: no real secret reaches the sandbox; a denial is a 403 with X-Airlock-Deny.
 */
export { openProxy } from './open-proxy.js';
export { PROXY_HEAP_GROWTH_FLAG, setProxyHeapGrowth } from './heap-growth.js';
export type { OpenProxyOptions, ProxyHandle } from './open-proxy.js';
export { loadSendBufferWidener } from './send-buffer.js';
export type { WidenSendBuffer } from './send-buffer.js';
export { prepareEgress, needsInterception } from './egress-setup.js';
export type { EgressSetup, PrepareEgressOptions } from './egress-setup.js';
export { placeholderEnv } from './credentials/placeholders.js';
export { readCredentialSource } from './credentials/store.js';
export type { Placeholder } from './credentials/placeholders.js';
export { DENY_CODES } from './deny-codes.js';
export type { DenyCode, Denial } from './deny-codes.js';
export { DENY_HEADER } from './http/deny-response.js';
export type { Lookup } from './egress/resolve.js';
export { composeInspectors } from './compose-inspectors.js';
export type { ProxyLimits, BodyInspector, BodyRequest, BodyVerdict, BodyStreamInspection, HeadVerdict, InspectorEvent, StreamVerdict } from './context.js';
