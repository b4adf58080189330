import type { Request } from 'express';

/** The parts of the contract's operation object that the HTTP layer reads. */
export interface MatchedOperation {
  operationId?: string;
  /** The contract's tags of the operation (`job-seeker-portal` for the person's own calls). */
  tags?: string[];
  /** Absent, or null once the validator has read the contract, when the operation takes no request body. */
  requestBody?: unknown;
}

/** The operation of the contract the validator matched for this request, if any. */
export function findMatchedOperation(req: Request): MatchedOperation | undefined {
  return (req as Request & { openapi?: { schema?: MatchedOperation } }).openapi?.schema;
}

/** Whether the operation takes a request body. */
export function takesRequestBody(operation: MatchedOperation): boolean {
  return typeof operation.requestBody === 'object' && operation.requestBody !== null;
}

/** The operationId the validator matched for this request, if any. */
export function operationIdOf(req: Request): string | undefined {
  return findMatchedOperation(req)?.operationId;
}
