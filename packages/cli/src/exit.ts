// Exit codes shared by every subcommand.
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad arguments or an unusable file: exit 2 with the message, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
