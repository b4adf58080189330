/**
 * Runs one step of a process's start: reading its configuration, opening or migrating its database,
 * building the container. A step that fails ends the process with exit code 1 and one line on
 * standard error, `<program>: cannot start: <why>`, without a stack trace: a bad setting, a data
 * folder that cannot be written, a damaged database or one migrated by a newer version are the
 * operator's to fix, and that line is what they read. The API and every script start this way.
 */
export async function startOrExit<T>(program: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    console.error(`${program}: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
