import { resolve } from 'node:path';

/** Git-ignored `.data/` at the project root, whether running from src/ with tsx or from a compiled dist/. */
export const DEFAULT_DATA_DIR = resolve(__dirname, '..', '..', '.data');

/** Where the audit file lives without DATABASE_URL (and, for npm start, the dev server's SQLite file). */
export const dataDir = (configured: string | undefined): string => configured ?? DEFAULT_DATA_DIR;
