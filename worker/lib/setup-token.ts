/** Whether an Authorization header carries the deployment's SETUP_TOKEN, compared in constant time. */
export function carriesSetupToken(authorization: string | undefined, setupToken: string | undefined): boolean {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
  return Boolean(setupToken) && sameSecret(token, setupToken!);
}

function sameSecret(a: string, b: string): boolean {
  // Length leaks nothing useful here; the loop runs over every byte so equal-length guesses take equal time.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
