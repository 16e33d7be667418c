/** The labels every tool image carries (OCI annotations and Airlock's own). */
export const IMAGE_LABELS = {
  title: 'org.opencontainers.image.title',
  version: 'org.opencontainers.image.version',
  created: 'org.opencontainers.image.created',
  baseName: 'org.opencontainers.image.base.name',
  tool: 'dev.airlock.tool',
  toolVersion: 'dev.airlock.tool.version',
  lockfileSha256: 'dev.airlock.lockfile.sha256',
  baseDigest: 'dev.airlock.base.digest',
  sbomSha256: 'dev.airlock.sbom.sha256',
  filesSha256: 'dev.airlock.files.sha256',
} as const;

export interface LabelFacts {
  tool: string;
  version: string;
  createdAt: string;
  baseReference: string;
  baseDigest: string;
  lockfileSha256: string;
  sbomSha256: string;
  filesSha256: string;
}

export function imageLabels(f: LabelFacts): Record<string, string> {
  return {
    [IMAGE_LABELS.title]: `airlock-tool-${f.tool}`,
    [IMAGE_LABELS.version]: f.version,
    [IMAGE_LABELS.created]: f.createdAt,
    [IMAGE_LABELS.baseName]: f.baseReference,
    [IMAGE_LABELS.tool]: f.tool,
    [IMAGE_LABELS.toolVersion]: f.version,
    [IMAGE_LABELS.lockfileSha256]: f.lockfileSha256,
    [IMAGE_LABELS.baseDigest]: f.baseDigest,
    [IMAGE_LABELS.sbomSha256]: f.sbomSha256,
    [IMAGE_LABELS.filesSha256]: f.filesSha256,
  };
}

/** True when an image's labels say it was built from this lockfile on this base. */
export function isUpToDate(labels: Record<string, string>, tool: string, lockfileSha256: string, baseDigest: string): boolean {
  return labels[IMAGE_LABELS.tool] === tool && labels[IMAGE_LABELS.lockfileSha256] === lockfileSha256 && labels[IMAGE_LABELS.baseDigest] === baseDigest;
}
