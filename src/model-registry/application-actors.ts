/**
 * The ids the application registers and activates the shipped model under itself (on start, or on a
 * later request once a start could not). The models keep who did it by id alone, so no admin token
 * may carry one of them: a person would read there as the application.
 */
export const APPLICATION_ACTOR_IDS = {
  startup: 'startup',
  shippedModelRetry: 'shipped-model-retry',
} as const;

/** Whether `subject` is an id the application acts under itself. */
export function isApplicationActorId(subject: string): boolean {
  return (Object.values(APPLICATION_ACTOR_IDS) as string[]).includes(subject);
}

/**
 * The application registering and activating the shipped model itself: on start, or on a later
 * request once a start could not. Their names are not pseudonymised: they are nobody.
 */
export const SYSTEM_ACTORS = {
  startup: { role: 'system', id: APPLICATION_ACTOR_IDS.startup },
  retry: { role: 'system', id: APPLICATION_ACTOR_IDS.shippedModelRetry },
} as const;

/** The application acting on the registry itself. */
export type SystemActor = (typeof SYSTEM_ACTORS)[keyof typeof SYSTEM_ACTORS];
