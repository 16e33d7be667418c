import { readFile } from 'node:fs/promises';
import { AirlockError } from '../../core/index.js';

/** Where common Linux distributions keep the system trust store as one PEM bundle. */
export const SYSTEM_ROOT_PATHS: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, CentOS
  '/etc/ssl/cert.pem', // Alpine (LibreSSL), macOS
];

/**
 * The trust bundle for a sandbox: the system roots followed by the session CA.
 *
 * Contract: `systemBundlePem` is kept byte for byte; a newline is inserted where needed so
 * the two PEM blocks never share a line, and the result ends with a newline.
 * Security invariant: only certificates go in; no key material is ever part of a bundle.
 */
export function mergeCaBundle(systemBundlePem: string, sessionCaPem: string): string {
  const system = systemBundlePem.length === 0 || systemBundlePem.endsWith('\n') ? systemBundlePem : `${systemBundlePem}\n`;
  const session = sessionCaPem.endsWith('\n') ? sessionCaPem : `${sessionCaPem}\n`;
  return system + session;
}

/**
 * Reads the host's system root bundle: the content of the first path that can be read
 * and holds at least one PEM certificate (defaults: SYSTEM_ROOT_PATHS, in order).
 *
 * Failures: AirlockError 'CONFIG_INVALID' naming every path tried when none qualifies.
 * Security invariant: reads only the given paths, never writes.
 */
export async function readSystemRoots(paths: readonly string[] = SYSTEM_ROOT_PATHS): Promise<string> {
  const problems: string[] = [];
  for (const path of paths) {
    try {
      const text = await readFile(path, 'utf8');
      if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
      problems.push(`${path}: holds no PEM certificate`);
    } catch (error) {
      problems.push(`${path}: ${describeReadError(error)}`);
    }
  }
  throw new AirlockError(
    'CONFIG_INVALID',
    `no system CA bundle found; tried ${paths.join(', ') || '(no paths)'}. ` +
      'Install the system CA certificates (e.g. the ca-certificates package) so sandboxed tools can reach hosts whose TLS Airlock intercepts.',
    { details: problems },
  );
}

function describeReadError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
