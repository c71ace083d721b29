import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { OPSLOOP_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';

/** What this module needs of a connection: the client's Connection and the worker's NativeConnection both have it. */
export type NamespaceServices = Pick<Connection, 'operatorService' | 'workflowService' | 'withDeadline'>;

/** temporal.api.enums.v1.IndexedValueType, by the SDK's type name. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};
/** The type names `tcld` and `temporal operator search-attribute create` take. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** gRPC codes: the caller may not change the namespace (Temporal Cloud's API keys, a read-only role), or no server does. */
const PERMISSION_DENIED = 7;
const UNIMPLEMENTED = 12;
const INVALID_ARGUMENT = 3;
/** The frontend is busy (its namespace rate, e.g. 10 visibility calls a second by default, is spent) or unreachable. */
const TRANSIENT = new Set([4, 8, 14]);

/** Whether an error only says "not now": DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED or UNAVAILABLE. */
export const isTransient = (err: unknown): boolean => TRANSIENT.has(codeOf(err) ?? -1);

const codeOf = (err: unknown): number | undefined => (err as { code?: number }).code;
const typeOf = (name: string) => OPSLOOP_SEARCH_ATTRIBUTES.find((k) => k.name === name)?.type ?? SearchAttributeType.KEYWORD;

/** The commands an operator runs to create the attributes by hand, for Temporal Cloud and for a self-hosted cluster. */
export function createCommands(namespace: string, names: readonly string[]): { tcld: string; temporal: string } {
  return {
    tcld: `tcld namespace search-attributes add --namespace ${namespace} ${names.map((n) => `--search-attribute ${n}=${CLI_TYPE[typeOf(n)]}`).join(' ')}`,
    temporal: `temporal operator search-attribute create --namespace ${namespace} ${names.map((n) => `--name ${n} --type ${CLI_TYPE[typeOf(n)]}`).join(' ')}`,
  };
}

/**
 * Thrown when the namespace lacks search attributes OpsLoop writes and OpsLoop may not create them (Temporal Cloud
 * creates them through its operations API only). The message is one line: the names and the command that creates them.
 */
export class SearchAttributesMissingError extends Error {
  override name = 'SearchAttributesMissingError';
  constructor(
    readonly namespace: string,
    readonly missing: readonly string[],
    readonly reason: string,
  ) {
    const { tcld, temporal } = createCommands(namespace, missing);
    super(`namespace ${namespace} lacks the search attributes ${missing.join(', ')} and OpsLoop may not create them (${reason}); create them once with: ${tcld} (Temporal Cloud), or: ${temporal}`);
  }
}

/** Thrown when an attribute exists with another type: OpsLoop cannot fix that without losing what is indexed. */
export class SearchAttributeTypeError extends Error {
  override name = 'SearchAttributeTypeError';
  constructor(
    readonly namespace: string,
    readonly conflicts: readonly { name: string; expected: string }[],
  ) {
    super(`namespace ${namespace} has ${conflicts.map((c) => `${c.name} with another type than ${c.expected}`).join(', ')}; OpsLoop writes them as ${[...new Set(conflicts.map((c) => c.expected))].join('/')}: remove or rename the existing attribute`);
  }
}

export interface SearchAttributeStatus {
  /** OpsLoop's attributes the namespace does not define. */
  missing: string[];
  /** Defined with another type. */
  conflicts: { name: string; expected: string }[];
  /**
   * The frontend that answered accepts a query over all of them. A freshly added attribute is listed at once, but
   * each frontend maps it only after its namespace cache refreshes (seconds): until then a start naming it fails.
   */
  usable: boolean;
}

const CALL_TIMEOUT_MS = 5_000;

/** Whether the frontend accepts a visibility query naming these attributes (it rejects unknown ones). */
async function queryAccepts(connection: NamespaceServices, namespace: string, names: readonly string[]): Promise<boolean> {
  const query = names.map((name) => `${name} = "opsloop-readiness"`).join(' OR ');
  return connection
    .withDeadline(Date.now() + CALL_TIMEOUT_MS, () => connection.workflowService.countWorkflowExecutions({ namespace, query }))
    .then(
      () => true,
      (err: unknown) => {
        if (codeOf(err) === INVALID_ARGUMENT) return false;
        throw err;
      },
    );
}

/**
 * One look at the namespace: which attributes are missing or mistyped, and whether a query over all of them works.
 * Where listing is not allowed, each attribute is tried in a query instead (types then go unchecked).
 */
export async function inspectSearchAttributes(connection: NamespaceServices, namespace: string): Promise<SearchAttributeStatus> {
  const names = OPSLOOP_SEARCH_ATTRIBUTES.map((k) => k.name);
  const listed = await connection
    .withDeadline(Date.now() + CALL_TIMEOUT_MS, () => connection.operatorService.listSearchAttributes({ namespace }))
    .then(
      (r) => r.customAttributes ?? {},
      (err: unknown) => {
        if (codeOf(err) === PERMISSION_DENIED) return undefined;
        throw err;
      },
    );
  let missing: string[];
  let conflicts: SearchAttributeStatus['conflicts'] = [];
  if (listed) {
    missing = names.filter((name) => !(name in listed));
    conflicts = OPSLOOP_SEARCH_ATTRIBUTES.filter((k) => k.name in listed && Number(listed[k.name]) !== INDEXED_VALUE_TYPE[k.type]).map((k) => ({
      name: k.name,
      expected: CLI_TYPE[k.type],
    }));
  } else {
    const accepted = await Promise.all(names.map((name) => queryAccepts(connection, namespace, [name])));
    missing = names.filter((_, i) => !accepted[i]);
  }
  if (missing.length > 0 || conflicts.length > 0) return { missing, conflicts, usable: false };
  return { missing, conflicts, usable: await queryAccepts(connection, namespace, names) };
}

export interface EnsureOptions {
  /** How long to wait for the attributes to become usable once added; default 60 s. */
  timeoutMs?: number;
  log?: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Makes sure the namespace has every search attribute OpsLoop writes, creating the missing ones
 * (OperatorService.AddSearchAttributes: idempotent, safe when several workers start at once), and waits until they are
 * usable. Resolves with the names it added. Throws SearchAttributesMissingError where it may not add them,
 * SearchAttributeTypeError on a mistyped one.
 */
export async function ensureSearchAttributes(connection: NamespaceServices, namespace: string, options: EnsureOptions = {}): Promise<string[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const added = new Set<string>();
  for (let pause = 500; ; pause = Math.min(pause * 2, 5_000)) {
    let status: SearchAttributeStatus;
    try {
      status = await inspectSearchAttributes(connection, namespace);
    } catch (err) {
      // A worker restarted on a busy cluster meets the namespace's rate limit: the SDK's own few retries are not enough.
      if (!isTransient(err) || Date.now() > deadline) throw err;
      options.log?.({ namespace, err: err instanceof Error ? err.message : String(err), retryInMs: pause }, 'reading search attributes failed; retrying');
      await new Promise((r) => setTimeout(r, pause));
      continue;
    }
    if (status.conflicts.length > 0) throw new SearchAttributeTypeError(namespace, status.conflicts);
    if (status.missing.length === 0 && status.usable) {
      if (added.size > 0) options.log?.({ namespace, added: [...added] }, 'search attributes created');
      return [...added];
    }
    if (status.missing.length > 0) {
      const searchAttributes = Object.fromEntries(status.missing.map((name) => [name, INDEXED_VALUE_TYPE[typeOf(name)]]));
      try {
        await connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => connection.operatorService.addSearchAttributes({ namespace, searchAttributes }));
        for (const name of status.missing) added.add(name);
      } catch (err) {
        const code = codeOf(err);
        if (code === PERMISSION_DENIED || code === UNIMPLEMENTED) {
          throw new SearchAttributesMissingError(namespace, status.missing, err instanceof Error ? err.message : String(err));
        }
        // Another worker adding them at the same moment loses the namespace update race: look again.
        options.log?.({ namespace, missing: status.missing, err: err instanceof Error ? err.message : String(err) }, 'adding search attributes failed; retrying');
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`namespace ${namespace}: search attributes ${status.missing.length > 0 ? `${status.missing.join(', ')} still missing` : 'listed but not yet accepted by queries'} after ${options.timeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
