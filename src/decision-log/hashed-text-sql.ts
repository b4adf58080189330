import type { Engine } from '../db/engine.ts';

/**
 * SQL for the text an event's hash covers after its `prevHash`, as `computeEventHash` writes it:
 * the covered members in canonical order, each string column quoted by the engine's own JSON
 * quoting (which escapes exactly as JSON.stringify, and so canonicalJson, does; see
 * test/decision-log/hashed-text-sql.test.ts), null as `null`, seq as its digits, and the payload
 * column inserted as stored. Column names are constants: nothing here comes from a caller.
 * SQLite's concat() needs SQLite 3.44, which better-sqlite3 12 bundles.
 */
export function writeHashedTextSql(engine: Engine): string {
  const quote =
    engine === 'postgres'
      ? (column: string) => `coalesce(to_json(cast(${column} as text))::text, 'null')`
      : (column: string) => `json_quote(cast(${column} as text))`;
  // One concat rather than a chain of ||, each of which would copy the text built so far.
  return `concat(${[
    `'{"actor":{"pseudonym":'`,
    quote('actor_pseudonym'),
    `',"role":'`,
    quote('actor_role'),
    `'},"eventId":'`,
    quote('event_id'),
    `',"occurredAt":'`,
    quote('occurred_at'),
    `',"payload":'`,
    'payload',
    `',"personal":'`,
    quote('personal'),
    `',"prevHash":'`,
    quote('prev_hash'),
    `',"seq":'`,
    'cast(seq as text)',
    `',"subject":'`,
    quote('subject'),
    `',"type":'`,
    quote('type'),
    `'}'`,
  ].join(', ')})`;
}
