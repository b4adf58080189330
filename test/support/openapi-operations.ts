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
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface OperationObject {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
}

/** Every operation the contract documents, read from `openapi/openapi.yaml`. */
export function listDocumentedOperations(): DocumentedOperation[] {
  const document = loadOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
  const operations: DocumentedOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (operation?.operationId === undefined) continue;
      const security = operation.security;
      const roles =
        security !== undefined && security.length === 0 ? undefined : (security?.[0]?.bearerAuth ?? []);
      operations.push({
        operationId: operation.operationId,
        method,
        template,
        samplePath: template.replace(/\{[^}]+\}/g, 'sample-1'),
        roles,
      });
    }
  }
  return operations;
}
