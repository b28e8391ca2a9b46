import { fileURLToPath } from 'node:url';

/** The example GitOps repository. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
