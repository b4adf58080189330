import type { NextFunction, Request, Response } from 'express';
import {
  describeDirectionControl,
  type FoundDirectionControl,
  findDirectionControl,
} from '../shared/direction-controls.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { describePortalDirectionControl, isPortalOperation } from './portal-validation-refusal.ts';

/**
 * Refuses a JSON body holding a direction control (`direction-controls.ts`) in any of its texts (422
 * `invalid-input` naming the field, the character and its position): the texts of the bodies are
 * the ones a person or a counselor reads as they were sent (a message, a comment, a contest, a
 * reason, a course's title), and a text displayed in another order than written would make them read
 * what nobody typed. Every body alike, so that no text a new operation takes is forgotten; no code
 * or id of the contract takes such a character either. Runs after the validator (authentication and
 * the contract answer first). The catalog import checks its lines itself.
 */
export function refuseDirectionControls(req: Request, _res: Response, next: NextFunction): void {
  const found = findInBody(req.body);
  if (found === undefined) {
    next();
    return;
  }
  const details = { field: found.field, character: found.character, position: found.position };
  if (isPortalOperation(req)) {
    const { title, detail } = describePortalDirectionControl(found.field, found);
    next(new InvalidInputError(detail, details, title));
    return;
  }
  next(new InvalidInputError(`${found.field} ${describeDirectionControl(found)}`, details));
}

/** The first text of the body holding a direction control, with its field (`items[0].label`). */
function findInBody(body: unknown): (FoundDirectionControl & { field: string }) | undefined {
  const pending: Array<{ field: string; value: unknown }> = [{ field: '', value: body }];
  // Breadth first, read by index: the fields near the top are named first.
  for (let index = 0; index < pending.length; index += 1) {
    const { field, value } = pending[index] ?? { field: '', value: undefined };
    if (typeof value === 'string') {
      const found = findDirectionControl(value);
      if (found !== undefined) return { ...found, field };
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, at) => {
        pending.push({ field: `${field}[${at}]`, value: item });
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        pending.push({ field: field === '' ? key : `${field}.${key}`, value: member });
      }
    }
  }
  return undefined;
}
