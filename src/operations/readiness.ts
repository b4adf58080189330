import { resolveWithin } from '../shared/resolve-within.ts';

/**
 * A check's state. `unavailable`: the dependency is configured but cannot be used now, and what
 * the instance serves works without it (the active model: counselors keep the manual path), so the
 * instance stays ready; the body says so. `low_disk`: the data folder's disk is nearly full, every
 * write would fail, so the instance is not ready. `master_key_replaced`: a rotation replaced the
 * master key this process holds, no person's data key opens with it, so the instance is not ready.
 * `file_missing`, `file_replaced`: the SQLite file opened at start is no longer at its path, and
 * every write would be lost at the next start, so the instance is not ready.
 */
export type CheckState =
  | 'ok'
  | 'not_configured'
  | 'unavailable'
  | 'low_disk'
  | 'master_key_replaced'
  | 'signing_key_retired'
  | 'file_missing'
  | 'file_replaced';

/** One named check of readiness (database reachable, model loaded, room on the disk...). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the check could run; `not_configured` when there is nothing to check yet. */
  run(): Promise<CheckState>;
  /**
   * The state of a check that does not answer within `CHECK_TIMEOUT_MS`: `failing` unless given (a
   * model still loading is `unavailable`, as one that cannot load: the instance stays ready).
   */
  late?: CheckState;
  /**
   * A check that reads through the database pool, which may be busy rather than broken: when late,
   * its last answer stands (`late` until it has answered once). Whether the server can be reached at
   * all is the database check's to say, on a connection of its own.
   */
  lateKeepsLastAnswer?: boolean;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckState | 'failing' | 'shutting_down'>;
}

/**
 * The states an instance is ready in: a failing check, a nearly full disk, a replaced master key or a
 * shutdown take it out.
 */
const READY_STATES: ReadonlySet<string> = new Set<CheckState>(['ok', 'not_configured', 'unavailable']);

/**
 * How long a check may take before it counts as failing. A database server that is frozen, or cut
 * off by the network without a reset, never answers: TCP gives up only minutes later, and the probe
 * would hang as long, when it must say at once that the instance is not ready.
 */
export const CHECK_TIMEOUT_MS = 2000;

const LATE = Symbol('late');

/** Readiness of the process: fails first when shutting down, so load balancers stop sending. */
export class ReadinessProbe {
  #shuttingDown = false;
  readonly #checks: ReadinessCheck[];
  readonly #lastAnswers = new Map<ReadinessCheck, CheckState>();

  constructor(checks: ReadinessCheck[]) {
    this.#checks = checks;
  }

  markShuttingDown(): void {
    this.#shuttingDown = true;
  }

  async check(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    if (this.#shuttingDown) checks.process = 'shutting_down';
    // Together, so that checks waiting on one unanswering database take the timeout once.
    const states = await Promise.all(
      this.#checks.map((check) =>
        resolveWithin<CheckState, typeof LATE>(
          check.run().then((state) => {
            this.#lastAnswers.set(check, state);
            return state;
          }),
          CHECK_TIMEOUT_MS,
          LATE,
        ).then(
          (state) => (state === LATE ? this.#lateStateOf(check) : state),
          () => 'failing' as const,
        ),
      ),
    );
    this.#checks.forEach((check, index) => {
      checks[check.name] = states[index] ?? 'failing';
    });
    const ready = Object.values(checks).every((state) => READY_STATES.has(state));
    return { ready, checks };
  }

  #lateStateOf(check: ReadinessCheck): CheckState | 'failing' {
    const last = check.lateKeepsLastAnswer === true ? this.#lastAnswers.get(check) : undefined;
    return last ?? check.late ?? 'failing';
  }
}
