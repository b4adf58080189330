/** The decision log's tables, named once for the modules of the knex log that read and write them. */
export const EVENTS = 'decision_events';
export const HEAD = 'decision_log_head';
export const CHECKPOINTS = 'decision_checkpoints';
export const SIGNING_KEYS = 'log_signing_keys';
/** The head's only row. */
export const HEAD_ID = 1;
