/**
 * Subject of an alert. `credentials_invalid`: the partner rejected the credentials and
 * deliveries are paused. `error_rate`: the share of failed attempts reached the threshold.
 * `stopped_sending`: work is pending but nothing was delivered for the configured time.
 */
export type AlertKind = 'credentials_invalid' | 'error_rate' | 'stopped_sending';

export const ALERT_KINDS: readonly AlertKind[] = [
  'credentials_invalid',
  'error_rate',
  'stopped_sending',
];

/** An open alert of one connector, as `GET /api/v1/alerts` lists it and notifications send it. */
export interface Alert {
  id: string;
  connectorId: string;
  connectorName: string;
  connectorType: string;
  kind: AlertKind;
  /** When the alert opened, ISO 8601. */
  since: string;
  /** The measurements that opened the alert. */
  details: Record<string, string | number | null>;
}
