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

/** Offers the codes as a file download; the webview saves it to the user's downloads folder. */
export function saveRecoveryFile(codes: readonly string[], user: string): void {
  const blob = new Blob([recoveryFileText(codes, user)], { type: 'text/plain' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'hookdesk-recovery-codes.txt';
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
