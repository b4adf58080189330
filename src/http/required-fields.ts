import {
  type ContractOperation,
  fromPointerToken,
  readContractOperations,
  resolve,
} from './contract-parameters.ts';
import { describeFormat, describePattern } from './validation-messages.ts';

/** A required field the request left out, as the validator reports it (`/body/reason`), said for the caller. */
export interface MissingField {
  /** Where the field belongs, without the leading slash (`body`, `body/location`, `query`). */
  parent: string;
  /** The field's name as the contract spells it. */
  name: string;
  /** What the field needs, from the contract (its values, or its description's first clause). */
  need: string | undefined;
}

/**
 * Reads the validator's "must have required property 'x'" at `/body/x`, a path that reads as if `x`
 * were inside `x`: the field belongs to the path's parent. What the field needs is read from the
 * contract of the operation: the description of the body's property or of the parameter (its first
 * clause), else the values its enumeration allows. Built once from the contract.
 */
export function createFindMissingField(
  document: Record<string, unknown>,
): (operationId: string | undefined, path: string, message: string) => MissingField | undefined {
  const operations = indexOperations(document);
  return (operationId, path, message) => {
    const name = /^must have required property '(.*)'$/.exec(message)?.[1];
    const suffix = name === undefined ? '' : `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (name === undefined || !path.endsWith(suffix)) return undefined;
    const parentTokens = path.slice(1, -suffix.length).split('/').map(fromPointerToken);
    const parent = path.slice(1, -suffix.length);
    const operation = operationId === undefined ? undefined : operations.get(operationId);
    if (operation === undefined) return { parent, name, need: undefined };
    const [where, ...within] = parentTokens;
    if (where === 'body') {
      const field =
        operation.bodySchema === undefined
          ? undefined
          : findProperty(document, operation.bodySchema, within, name);
      return { parent, name, need: field === undefined ? undefined : needOf(document, field) };
    }
    const location = where === 'params' ? 'path' : where === 'headers' ? 'header' : where;
    const parameter = operation.parameters.find(
      (candidate) =>
        candidate.in === location &&
        (location === 'header'
          ? String(candidate.name).toLowerCase() === name.toLowerCase()
          : candidate.name === name),
    );
    if (parameter === undefined) return { parent, name, need: undefined };
    return {
      parent,
      name: String(parameter.name),
      need:
        valuesOf(document, parameter.schema) ??
        (parameter.description === undefined ? undefined : firstClause(parameter.description)),
    };
  };
}

/**
 * The fields the object holding the field at `path` (`/body/id`, `/body/location/x`) takes, as the
 * contract names them in the operation's body schema (every schema it is read against besides);
 * undefined where the path is not in a body or the contract names none.
 */
export function createFindBodyFields(
  document: Record<string, unknown>,
): (operationId: string | undefined, path: string) => string[] | undefined {
  const operations = indexOperations(document);
  return (operationId, path) => {
    const [where, ...within] = path.slice(1).split('/').map(fromPointerToken);
    const schema = operationId === undefined ? undefined : operations.get(operationId)?.bodySchema;
    if (where !== 'body' || schema === undefined || within.length === 0) return undefined;
    const fields = new Set(
      findObjectSchemas(document, schema, within.slice(0, -1)).flatMap((found) =>
        Object.keys(asRecord(found.properties)),
      ),
    );
    return fields.size === 0 ? undefined : [...fields];
  };
}

/**
 * Whether the body field at `path` (`/body/measures`) is one its object requires, as the contract's
 * body schema says (any schema it is read against requiring it counts); undefined where the path is not
 * in a body or the contract does not name the field.
 */
export function createFindRequiredBodyField(
  document: Record<string, unknown>,
): (operationId: string | undefined, path: string) => boolean | undefined {
  const operations = indexOperations(document);
  return (operationId, path) => {
    const [where, ...within] = path.slice(1).split('/').map(fromPointerToken);
    const schema = operationId === undefined ? undefined : operations.get(operationId)?.bodySchema;
    const name = within.at(-1);
    if (where !== 'body' || schema === undefined || name === undefined) return undefined;
    const parents = findObjectSchemas(document, schema, within.slice(0, -1)).filter(
      (found) => asRecord(found.properties)[name] !== undefined,
    );
    if (parents.length === 0) return undefined;
    return parents.some((found) => Array.isArray(found.required) && found.required.includes(name));
  };
}

/**
 * What a valid value of the query or path parameter at `path` (`/query/modelId`) looks like, from the
 * contract: the values it takes, its pattern's or its format's words, else its description's first clause.
 */
export function createFindParameterForm(
  document: Record<string, unknown>,
): (operationId: string | undefined, path: string) => string | undefined {
  const operations = indexOperations(document);
  return (operationId, path) => {
    const [, where, name] = /^\/(query|params)\/([^/]+)$/.exec(path) ?? [];
    const operation = operationId === undefined ? undefined : operations.get(operationId);
    const parameter = operation?.parameters.find(
      (candidate) => candidate.in === (where === 'params' ? 'path' : where) && candidate.name === name,
    );
    if (parameter === undefined) return undefined;
    for (const schema of expand(document, parameter.schema)) {
      const pattern = typeof schema.pattern === 'string' ? describePattern(schema.pattern) : undefined;
      const format = typeof schema.format === 'string' ? describeFormat(schema.format) : undefined;
      const words = pattern ?? format;
      if (words !== undefined) return words;
    }
    const values = valuesOf(document, parameter.schema);
    if (values !== undefined) return `must be ${values}`;
    return parameter.description === undefined
      ? undefined
      : `is ${lowerFirst(firstClause(parameter.description))}`;
  };
}

function indexOperations(document: Record<string, unknown>): Map<string, ContractOperation> {
  return new Map(
    readContractOperations(document).flatMap((operation) =>
      operation.operationId === undefined ? [] : [[operation.operationId, operation] as const],
    ),
  );
}

/** The schemas the value at `tokens` under `root` is read against. */
function findObjectSchemas(
  document: Record<string, unknown>,
  root: Record<string, unknown>,
  tokens: readonly string[],
): Record<string, unknown>[] {
  let schemas = expand(document, root);
  for (const token of tokens) {
    schemas = schemas.flatMap((schema) => {
      const property = asRecord(schema.properties)[token];
      if (property !== undefined) return expand(document, asRecord(property));
      if (/^\d+$/.test(token) && schema.items !== undefined) return expand(document, asRecord(schema.items));
      return [];
    });
  }
  return schemas;
}

/** The property `name` of the value at `tokens` under `root`, as the contract writes it (`$ref`s not followed). */
function findProperty(
  document: Record<string, unknown>,
  root: Record<string, unknown>,
  tokens: readonly string[],
  name: string,
): Record<string, unknown> | undefined {
  for (const schema of findObjectSchemas(document, root, tokens)) {
    const property = asRecord(schema.properties)[name];
    if (property !== undefined) return asRecord(property);
  }
  return undefined;
}

/** The schema and every schema it is read against besides: its `$ref`'s, its `allOf`, `oneOf`, `anyOf`'s. */
export function expand(
  document: Record<string, unknown>,
  schema: Record<string, unknown>,
  seen: Set<Record<string, unknown>> = new Set(),
): Record<string, unknown>[] {
  const resolved = resolve(document, schema);
  if (seen.has(resolved)) return [];
  seen.add(resolved);
  const found = [resolved];
  for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
    const list = resolved[keyword];
    if (!Array.isArray(list)) continue;
    for (const inner of list) found.push(...expand(document, asRecord(inner), seen));
  }
  return found;
}

/**
 * A field's need: the values it takes, where the contract lists them (its description, if any, tells
 * what each means, at length); else its description, where it is written or on what its `$ref` points at.
 */
function needOf(document: Record<string, unknown>, field: Record<string, unknown>): string | undefined {
  const values = valuesOf(document, field);
  if (values !== undefined) return values;
  for (const schema of [field, ...expand(document, field)]) {
    if (typeof schema.description === 'string') return firstClause(schema.description);
  }
  return undefined;
}

/** `one of a, b`, for a field whose values the contract lists. */
function valuesOf(document: Record<string, unknown>, field: Record<string, unknown>): string | undefined {
  for (const schema of expand(document, field)) {
    if (Array.isArray(schema.enum)) {
      const values = schema.enum.filter((value) => value !== null).map(String);
      return values.length === 0 ? undefined : `one of ${values.join(', ')}`;
    }
  }
  return undefined;
}

/**
 * The first clause of a description, on one line and without its full stop: what the field is or needs,
 * before the rules that follow it (after a colon or a semicolon) and the sentences after.
 */
function firstClause(description: string): string {
  const flat = description.replace(/\s+/g, ' ').trim();
  // A full stop ends a sentence when the next begins with a capital, a code span or a bracket.
  const end = /\.(?=\s+[A-Z`(])|[:;](?=\s)/.exec(flat);
  return (end === null ? flat : flat.slice(0, end.index)).replace(/\.$/, '');
}

function lowerFirst(text: string): string {
  return /^[A-Z](?![A-Z0-9])/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
