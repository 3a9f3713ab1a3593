/**
 * Returns the path of the field that a service validation message names, without a `body.`
 * prefix. Messages start with the path, such as `settings.adAccountId has an invalid format …`,
 * `body.name must not be empty` or `connections[0].settings.customAudienceId: …`.
 */
export function fieldPathOfMessage(message: string): string | undefined {
  const match = /^([A-Za-z_$][\w$]*(?:\[\d+\]|\.[A-Za-z_$][\w$]*)*)(?=[\s:]|$)/.exec(message);
  if (!match?.[1]) return undefined;
  const path = match[1].replace(/^body\./, '');

  return path.includes('.') || path.includes('[') || path === 'name' ? path : undefined;
}
