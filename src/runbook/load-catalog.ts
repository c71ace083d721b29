import { loadYamlConfigFile } from '../config/yaml-file';
import { catalogSchema, type Catalog } from './catalog-schema';

export const EMPTY_CATALOG: Catalog = { version: 1, allowedExecutables: [], targets: {}, actions: [], notifications: [] };

/** The runbook catalog from OPSLOOP_ACTIONS_FILE, or an empty one (no actions, no notifications). */
export const loadCatalog = (path: string | undefined): Catalog => (path ? loadYamlConfigFile(path, catalogSchema, 'runbook catalog') : EMPTY_CATALOG);
