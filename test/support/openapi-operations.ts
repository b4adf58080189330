import { loadOpenApiDocument } from '../../src/http/openapi-document.ts';

export interface DocumentedOperation {
  operationId: string;
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  /** The path template, e.g. `/v1/job-seekers/{seekerId}`. */
  template: string;
  /** The template with every parameter filled with a harmless sample value. */
  samplePath: string;
  /** Roles of the operation's security requirement; undefined for public operations. */
  roles: string[] | undefined;
  /** The operation's tags in the contract (`job-seeker-portal`: the person's own calls). */
  tags: string[];
  /** Whether the operation documents a `requestBody`. */
  takesBody: boolean;
  /** Names of the header parameters the operation requires (its own and its path's). */
  requiredHeaders: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface ParameterObject {
  $ref?: string;
  name?: string;
  in?: string;
  required?: boolean;
}

interface OperationObject {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  parameters?: ParameterObject[];
}

interface Document {
  paths: Record<string, Record<string, unknown> & { parameters?: ParameterObject[] }>;
  components?: { parameters?: Record<string, ParameterObject> };
}

/** Every operation the contract documents, read from `openapi/openapi.yaml`. */
export function listDocumentedOperations(): DocumentedOperation[] {
  const document = loadOpenApiDocument() as unknown as Document;
  const resolve = (parameter: ParameterObject): ParameterObject =>
    parameter.$ref === undefined
      ? parameter
      : (document.components?.parameters?.[parameter.$ref.replace('#/components/parameters/', '')] ?? {});
  const operations: DocumentedOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (operation?.operationId === undefined) continue;
      const security = operation.security;
      const roles =
        security !== undefined && security.length === 0 ? undefined : (security?.[0]?.bearerAuth ?? []);
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(resolve);
      operations.push({
        operationId: operation.operationId,
        method,
        template,
        samplePath: template.replace(/\{[^}]+\}/g, 'sample-1'),
        roles,
        tags: operation.tags ?? [],
        takesBody: operation.requestBody !== undefined,
        requiredHeaders: parameters.flatMap((p) =>
          p.in === 'header' && p.required === true && p.name !== undefined ? [p.name] : [],
        ),
      });
    }
  }
  return operations;
}
