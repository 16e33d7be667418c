import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { AirlockError } from '../core/index.js';

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const ImageIdSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a Docker image id (sha256:...)');

/** What `airlock images build` made, kept as AIRLOCK_HOME/images/<tool>/<version>/image.json. */
export const ImageRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  tool: z.string().min(1),
  package: z.strictObject({
    name: z.string().min(1),
    version: z.string().min(1),
    integrity: z.string().regex(/^sha512-[A-Za-z0-9+/]{86}==$/),
    installScripts: z.boolean(),
  }),
  image: z.strictObject({
    /** The tag the policy names (tools.<tool>.image). */
    reference: z.string().min(1),
    /** The image's id: the sha256 of its config, what `docker run` can be pinned to. */
    id: ImageIdSchema,
    /** The uid:gid the image runs as. */
    user: z.string().regex(/^[1-9][0-9]*:[1-9][0-9]*$/),
    installDir: z.string().startsWith('/'),
    /** Commands linked into /usr/local/bin. */
    bins: z.array(z.string()),
  }),
  base: z.strictObject({ reference: z.string().min(1), digest: ImageIdSchema }),
  lockfileSha256: Sha256Schema,
  sbomSha256: Sha256Schema,
  /** sha256 of the installed-files manifest (files.json, RFC 8785 canonical form). */
  filesSha256: Sha256Schema,
  /** Packages installed (the SBOM's components). */
  packages: z.int().min(1),
  builtAt: z.iso.datetime(),
});
export type ImageRecord = z.infer<typeof ImageRecordSchema>;

/** Reads a record back through its schema; undefined when there is none. */
export async function readImageRecord(file: string): Promise<ImageRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} is not JSON: rebuild with airlock images build --force`, { cause: error });
  }
  const parsed = ImageRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new AirlockError('IMAGE_BUILD_FAILED', `${file} is not an image record: rebuild with airlock images build --force`, {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
}

/** Writes a file whole or not at all (temp file, then rename). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
