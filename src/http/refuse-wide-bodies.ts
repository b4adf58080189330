import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readContractOperations } from './contract-parameters.ts';
import { describePortalValidation, isPortalOperation } from './portal-validation-refusal.ts';
import { problem, sendProblem, toPointerToken } from './problem.ts';
import { expand } from './required-fields.ts';

/** The widest a body of the contract may be: its longest list and its object with the most fields. */
export interface BodyBounds {
  /** The largest `maxItems` of any list in a request body; undefined when a list has none. */
  maxListLength: number | undefined;
  /** The most fields any object of a request body names. */
  maxFields: number;
}

/**
 * Refuses, before the validator reads it, a JSON body holding a list longer than any list of the
 * contract's bodies may be, or an object with more members than any of them names (400 `validation`,
 * naming the place). The validator reports every error it finds, and the error handler describes each:
 * tens of thousands of list items or unknown fields, which fit in the body limit, took seconds of
 * the one thread that serves every request (a check of duplicates compares each list item with every
 * other) and gave back a refusal twenty times the size of the body. A body within twice these bounds is
 * left to the validator, whose words name each field's own limit. The bounds are read from the contract.
 */
export function createRefuseWideBodies(document: Record<string, unknown>): RequestHandler {
  const bounds = findBodyBounds(document);
  return (req: Request, res: Response, next: NextFunction) => {
    const wide = findWidePlace(req.body, bounds);
    if (wide === undefined) {
      next();
      return;
    }
    const errors = [wide];
    const { title, detail } = isPortalOperation(req)
      ? describePortalValidation(errors)
      : { title: 'The request is invalid', detail: `${wide.path.slice(1)} ${wide.message}` };
    sendProblem(res, problem(400, 'validation', title, detail, { errors }));
  };
}

/**
 * The bounds of every JSON request body of the contract. An object read against several schemas
 * (`allOf`, `oneOf`, `anyOf`) counts the fields of them all.
 */
export function findBodyBounds(document: Record<string, unknown>): BodyBounds {
  let maxListLength: number | undefined = 0;
  let maxFields = 0;
  const seen = new Set<Record<string, unknown>>();
  const pending = readContractOperations(document).flatMap(({ bodySchema }) =>
    bodySchema === undefined ? [] : [bodySchema],
  );
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const read = expand(document, next).filter((schema) => !seen.has(schema));
    if (read.length === 0) continue;
    const fields = new Set<string>();
    for (const schema of read) {
      seen.add(schema);
      const properties = schema.properties;
      if (typeof properties === 'object' && properties !== null) {
        for (const [name, property] of Object.entries(properties)) {
          fields.add(name);
          pending.push(property as Record<string, unknown>);
        }
      }
      if (schema.items !== undefined) {
        const bound = schema.maxItems;
        maxListLength =
          typeof bound === 'number' && maxListLength !== undefined
            ? Math.max(maxListLength, bound)
            : undefined;
        pending.push(schema.items as Record<string, unknown>);
      }
    }
    maxFields = Math.max(maxFields, fields.size);
  }
  return { maxListLength, maxFields };
}

/**
 * How many times the contract's bounds a body may reach before it is refused here: a list a little
 * too long, or a whole object sent back with a field it does not take, gets the validator's words
 * about that field's own limit, and a body within twice the bounds costs the validator little.
 */
const ROOM = 2;

/** The first list or object of `body` beyond `bounds` (times {@link ROOM}), as a field error; walked without recursion. */
function findWidePlace(body: unknown, bounds: BodyBounds): { path: string; message: string } | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value: body, path: '/body' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      if (bounds.maxListLength !== undefined && value.length > ROOM * bounds.maxListLength) {
        return {
          path,
          message: `holds ${value.length} values, and no list of a body of this API takes more than ${bounds.maxListLength}: send at most as many as the field takes (the contract gives its maxItems)`,
        };
      }
      value.forEach((item, index) => {
        pending.push({ value: item, path: `${path}/${index}` });
      });
      continue;
    }
    const entries = Object.entries(value);
    if (entries.length > ROOM * bounds.maxFields) {
      return {
        path,
        message: `holds ${entries.length} fields, and no object of a body of this API takes more than ${bounds.maxFields}: send only the fields the contract names`,
      };
    }
    for (const [key, member] of entries)
      pending.push({ value: member, path: `${path}/${toPointerToken(key)}` });
  }
  return undefined;
}
