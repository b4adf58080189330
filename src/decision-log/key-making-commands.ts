/**
 * The commands that make each decision-log key in the form it is read in, to be followed by the file
 * to write: what a refusal to start, or a rotation's, tells the operator to run.
 */
export const MAKE_SIGNING_KEY = 'openssl genpkey -algorithm ed25519 -out';
/** The master key's, also the pseudonym key's: 32 random bytes in base64. */
export const MAKE_MASTER_KEY = 'openssl rand -base64 32 >';
