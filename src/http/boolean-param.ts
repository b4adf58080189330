/** A boolean query parameter: the validator coerces booleans already; the text form is accepted too, defensively. */
export function readBooleanParam(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}
