/**
 * A problem document without its `instance` (the answer's own request id, different on every
 * answer): what two answers that must read alike are compared on.
 */
export function withoutInstance<T extends object>(body: T): Omit<T, 'instance'> {
  const { instance: _instance, ...rest } = body as T & { instance?: unknown };
  return rest;
}
