import type { Placeholder } from './placeholders.js';

/** The first placeholder whose bytes appear in any of the texts. */
export function findPlaceholder(placeholders: readonly Placeholder[], texts: readonly (string | Buffer)[]): Placeholder | undefined {
  for (const p of placeholders) {
    for (const t of texts) if (t.includes(p.value)) return p;
  }
  return undefined;
}
