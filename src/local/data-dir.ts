import { DEFAULT_DATA_DIR } from './paths';

/** Where the audit file lives without DATABASE_URL (and, for npm start, the dev server's SQLite file). */
export const dataDir = (configured: string | undefined): string => configured ?? DEFAULT_DATA_DIR;
