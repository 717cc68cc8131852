import { api } from '../api';

/** The text of a saved recovery-code file: one code a line, with a note on how to use them. */
export function recoveryFileText(codes: readonly string[], user: string): string {
  return [
    `Hookdesk recovery codes for ${user}`,
    'Each code works once, in place of a two-factor code. New codes make these void.',
    '',
    ...codes,
    '',
  ].join('\n');
}

/** Saves the codes where the user chooses in the system's save dialog; the path, or null if cancelled. */
export async function saveRecoveryFile(codes: readonly string[], user: string): Promise<string | null> {
  const saved = await api.recoveryCodesSaveAs(recoveryFileText(codes, user));
  return saved?.path ?? null;
}
