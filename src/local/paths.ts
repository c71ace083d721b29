import { resolve } from 'node:path';

/** The project root, whether running from src/ with tsx or from a compiled dist/. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** Git-ignored: the Temporal CLI build. */
export const TOOLS_DIR = resolve(PROJECT_ROOT, '.tools');
