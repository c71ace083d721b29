import type { Connection } from '@temporalio/client';
import { OPSLOOP_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD */
const KEYWORD = 2;

/**
 * Registers the search attributes OpsLoop writes that the server does not know yet. `start-dev --search-attribute`
 * only registers them when its SQLite file is created, so a data file from an older OpsLoop would miss new ones.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = OPSLOOP_SEARCH_ATTRIBUTES.map((k) => k.name).filter((name) => !customAttributes || !(name in customAttributes));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])) });
  }
  return missing;
}
