import type { Engine } from './engine.ts';

/**
 * SQL reading one text member of an event's payload, null when the payload is not JSON (a tampered
 * row must not make the auditors' queries fail: verification reports it). The expression indexes
 * of the model-version filter are written with it too: an engine uses such an index only for the
 * very same expression.
 */
export function payloadTextSql(engine: Engine, path: readonly string[]): string {
  if (path.some((name) => !/^[A-Za-z]+$/.test(name)))
    throw new Error(`unsafe payload path ${path.join('.')}`);
  return engine === 'postgres'
    ? `decision_payload_text(payload, '{${path.join(',')}}')`
    : `(case when json_valid(payload) then json_extract(payload, '$.${path.join('.')}') end)`;
}
