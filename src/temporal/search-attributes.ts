import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { AppError } from '../errors';
import { allSearchAttributeKeys } from './names';

const { IndexedValueType } = temporal.api.enums.v1;

/** Server-side type of each attribute type the product uses, and its name in the `temporal` CLI. */
const types: Record<string, { indexed: temporal.api.enums.v1.IndexedValueType; cli: string }> = {
  KEYWORD: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, cli: 'Keyword' },
  BOOL: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_BOOL, cli: 'Bool' },
  DATETIME: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME, cli: 'Datetime' },
  KEYWORD_LIST: { indexed: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST, cli: 'KeywordList' },
};

/**
 * Registers the product's search attributes in `namespace`, adding only the missing ones, so it is safe on every
 * start. A name already registered with another type is an error (queries would silently break). When the server
 * refuses (e.g. Temporal Cloud, where attributes are managed outside the namespace API), the message says what to run.
 *
 * @returns the names that were added
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  let existing: Record<string, temporal.api.enums.v1.IndexedValueType>;
  try {
    existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    // The time-skipping test server can add search attributes but not list them.
    if (!isGrpcServiceError(err) || err.code !== GrpcStatus.UNIMPLEMENTED) throw err;
    return addEachIgnoringExisting(connection, namespace);
  }
  const missing: Record<string, number> = {};
  const conflicts: string[] = [];
  for (const key of allSearchAttributeKeys) {
    const wanted = types[key.type]?.indexed;
    if (wanted === undefined) throw new Error(`no server type known for search attribute type ${key.type}`);
    const have = existing[key.name];
    if (have === undefined) missing[key.name] = wanted;
    else if (have !== wanted) conflicts.push(`${key.name} is registered with another type; it must be ${key.type}`);
  }
  if (conflicts.length) {
    throw new AppError('invalid_config', `Search attributes in namespace "${namespace}" conflict:`, conflicts);
  }
  const names = Object.keys(missing);
  if (!names.length) return [];
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GrpcStatus.PERMISSION_DENIED) {
      const commands = allSearchAttributeKeys
        .filter((k) => names.includes(k.name))
        .map(
          (k) =>
            `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${types[k.type]?.cli}`,
        );
      throw new AppError(
        'unavailable',
        `Not allowed to register search attributes in "${namespace}". Ask an operator to run:`,
        commands,
      );
    }
    throw err;
  }
  return names;
}

/** Adds every attribute one by one, counting "already exists" as done; for servers that cannot list them. */
async function addEachIgnoringExisting(connection: Connection, namespace: string): Promise<string[]> {
  const added: string[] = [];
  for (const key of allSearchAttributeKeys) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [key.name]: types[key.type]!.indexed },
      });
      added.push(key.name);
    } catch (err) {
      if (!isGrpcServiceError(err) || err.code !== GrpcStatus.ALREADY_EXISTS) throw err;
    }
  }
  return added;
}
