/** One named check of readiness (database reachable, model loaded...). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; `not_configured` when there is nothing to check yet. */
  run(): Promise<'ok' | 'not_configured'>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing' | 'shutting_down' | 'not_configured'>;
}

/** Readiness of the process: fails first when shutting down, so load balancers stop sending. */
export class ReadinessProbe {
  #shuttingDown = false;
  readonly #checks: ReadinessCheck[];

  constructor(checks: ReadinessCheck[]) {
    this.#checks = checks;
  }

  markShuttingDown(): void {
    this.#shuttingDown = true;
  }

  async check(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {};
    if (this.#shuttingDown) checks.process = 'shutting_down';
    for (const check of this.#checks) {
      try {
        checks[check.name] = await check.run();
      } catch {
        checks[check.name] = 'failing';
      }
    }
    const ready = Object.values(checks).every((state) => state === 'ok' || state === 'not_configured');
    return { ready, checks };
  }
}
