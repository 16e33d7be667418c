import type { OutgoingHttpHeaders } from 'node:http';
import type { Secret } from '../../core/index.js';
import type { CredentialRoute } from '../../policy/index.js';

/** Puts the real secret where the route says, replacing whatever the sandbox sent there. */
export function injectCredential(headers: OutgoingHttpHeaders, route: CredentialRoute, secret: Secret): void {
  const inject = route.inject;
  if ('header' in inject) {
    headers[inject.header.toLowerCase()] = `${inject.prefix}${secret.reveal()}`;
    return;
  }
  const token = Buffer.from(`${inject.basicAuth.username}:${secret.reveal()}`).toString('base64');
  headers.authorization = `Basic ${token}`;
}
