/** Formats an ISO 8601 UTC time as `YYYY-MM-DD HH:MM:SS`. */
export function formatAuditTime(at: string): string {
  return at.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}
