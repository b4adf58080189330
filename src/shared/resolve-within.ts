/**
 * What `promise` resolves to, or `late` once `ms` have passed without an answer; a rejection comes
 * through as it is. What was asked goes on in the background: its answer, or error, is dropped.
 */
export async function resolveWithin<T, L>(promise: Promise<T>, ms: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<L>((resolve) => {
    timer = setTimeout(() => resolve(late), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
