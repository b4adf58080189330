/** A parameter of the contract, its `$ref`s followed: where it is read, its name and its schema. */
export interface ContractParameter {
  in: unknown;
  name: unknown;
  /** The parameter's description, or its schema's. */
  description: string | undefined;
  schema: Record<string, unknown>;
}

/** One operation of the contract with the parameters it takes (its path's and its own). */
export interface ContractOperation {
  template: string;
  operationId: string | undefined;
  /** The operation's tags (`job-seeker-portal` for the person's own calls). */
  tags: string[];
  parameters: ContractParameter[];
  /** The schema of the operation's JSON request body (its own `$ref` followed), if it takes one. */
  bodySchema: Record<string, unknown> | undefined;
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
          const schema = resolve(document, parameter.schema);
          const description = parameter.description ?? schema.description;
          return {
            in: parameter.in,
            name: parameter.name,
            description: typeof description === 'string' ? description : undefined,
            schema,
          };
        }),
        bodySchema: readJsonBodySchema(document, operation.requestBody),
      });
    }
  }
  return found;
}

function readJsonBodySchema(
  document: Record<string, unknown>,
  requestBody: unknown,
): Record<string, unknown> | undefined {
  if (requestBody === undefined) return undefined;
  const content = asRecord(resolve(document, requestBody).content);
  const json = content['application/json'];
  return json === undefined ? undefined : resolve(document, asRecord(json).schema);
}

/** The value, or what its `$ref` (within the document) points at. */
export function resolve(document: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const ref = asRecord(value).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return asRecord(value);
  let target: unknown = document;
  for (const token of ref.slice(2).split('/')) target = asRecord(target)[fromPointerToken(token)];
  return asRecord(target);
}

/** A JSON Pointer's token as the name it stands for (`~1` is `/`, `~0` is `~`). */
export function fromPointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
