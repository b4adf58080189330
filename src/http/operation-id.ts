import type { Request } from 'express';

/** The operationId the validator matched for this request, if any. */
export function operationIdOf(req: Request): string | undefined {
  return (req as Request & { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId;
}
