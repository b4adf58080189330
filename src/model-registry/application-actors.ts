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
