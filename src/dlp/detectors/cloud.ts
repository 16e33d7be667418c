import { isPlaceholder } from '../text/placeholder.js';
import type { Detector, Lead, RawMatch } from '../types.js';
import { awsDetector } from './aws.js';
import { execAt, highUnlessPlaceholder, tokenDetector } from './shared.js';

/**
 * A `Name=<base64>` pair of an Azure connection string (learn.microsoft.com "Configure
 * Azure Storage connection strings": AccountKey is the base64 of a 64-byte key, 88
 * characters; Service Bus / Event Hubs SharedAccessKey the base64 of 32 bytes, 44).
 * The match is the value.
 */
function azureKeyDetector(name: string, rule: string, value: RegExp): Detector {
  const lead: Lead = [name.charAt(0), name.charAt(1), name.charAt(2)];
  const sticky = new RegExp(`${name}=(${value.source})(?![A-Za-z0-9+/=])`, 'y');
  return {
    leads: [lead],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(sticky, text, at);
      if (m === null || m[1] === undefined || isPlaceholder(m[1])) return;
      const start = at + name.length + 1;
      out.push({ rule, confidence: 'high', start, end: start + m[1].length, shown: 0 });
    },
  };
}

/**
 * Azure shared access signature (learn.microsoft.com "Create a service SAS"): a query
 * string with the signed version sv=YYYY-MM-DD and the signature sig=, a base64
 * HMAC-SHA256 (44 characters, URL-encoded). The match is the signature.
 */
function azureSasDetector(): Detector {
  const sig = /sig=((?:[A-Za-z0-9]|%2[BbFf]|[+/]){42,60}(?:=|%3[Dd]){1,2})(?![A-Za-z0-9%+/=])/y;
  const version = /[?&;]sv=\d{4}-\d{2}-\d{2}(?:&|$)/m;
  return {
    leads: [['s', 'i', 'g']],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(sig, text, at);
      if (m === null || m[1] === undefined) return;
      const before = text.charAt(at - 1);
      if (before !== '?' && before !== '&' && before !== ';') return;
      if (!version.test(text.slice(Math.max(0, at - 256), at + 300))) return;
      const decoded = decodeURIComponent(m[1]);
      if (!/^[A-Za-z0-9+/]{43}=$/.test(decoded) || isPlaceholder(decoded)) return;
      out.push({ rule: 'azure-sas-token', confidence: 'high', start: at + 4, end: at + 4 + m[1].length, shown: 0 });
    },
  };
}

/** Cloud provider credentials. */
export function cloudDetectors(): Detector[] {
  return [
    awsDetector(),
    // Google API key (cloud.google.com/docs/authentication/api-keys): "AIza" + 35
    // characters of A-Za-z0-9_-, 39 in all. (Service-account keys are found as private keys.)
    tokenDetector({ rule: 'gcp-api-key', lead: ['A', 'I', 'z'], pattern: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/, shown: 4, classify: highUnlessPlaceholder(4) }),
    azureKeyDetector('AccountKey', 'azure-storage-key', /[A-Za-z0-9+/]{86}==/),
    azureKeyDetector('SharedAccessKey', 'azure-shared-access-key', /[A-Za-z0-9+/]{43}=/),
    azureSasDetector(),
  ];
}
