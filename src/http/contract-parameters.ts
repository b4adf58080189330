/** A parameter of the contract, its `$ref`s followed: where it is read, its name and its schema. */
export interface ContractParameter {
  in: unknown;
  name: unknown;
  schema: Record<string, unknown>;
}

/** One operation of the contract with the parameters it takes (its path's and its own). */
export interface ContractOperation {
  template: string;
  operationId: string | undefined;
  /** The operation's tags (`job-seeker-portal` for the person's own calls). */
  tags: string[];
  parameters: ContractParameter[];
}

/** Every operation of the contract, its parameters' `$ref`s followed. */
export function readContractOperations(document: Record<string, unknown>): ContractOperation[] {
  const found: ContractOperation[] = [];
  for (const [template, pathItem] of Object.entries(asRecord(document.paths))) {
    const item = asRecord(pathItem);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const [key, value] of Object.entries(item)) {
      if (key === 'parameters') continue;
      const operation = asRecord(value);
      const own = Array.isArray(operation.parameters) ? operation.parameters : [];
      found.push({
        template,
        operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
        tags: Array.isArray(operation.tags) ? operation.tags.filter((tag) => typeof tag === 'string') : [],
        parameters: [...shared, ...own].map((entry: unknown) => {
          const parameter = resolve(document, entry);
          return { in: parameter.in, name: parameter.name, schema: resolve(document, parameter.schema) };
        }),
      });
    }
  }
  return found;
}

/** The value, or what its `$ref` (within the document) points at. */
function resolve(document: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const ref = asRecord(value).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return asRecord(value);
  let target: unknown = document;
  for (const token of ref.slice(2).split('/'))
    target = asRecord(target)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  return asRecord(target);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
