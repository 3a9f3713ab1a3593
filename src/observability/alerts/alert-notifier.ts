import type { Dispatcher } from 'undici';
import { signWebhookBody } from '../../connectors/webhook/signature.js';
import type { Logger } from '../../log/logger.js';
import {
  createPartnerHttpClient,
  type PartnerHttpClient,
  PartnerRequestError,
} from '../../net/partner-http-client.js';
import type { Alert } from './alert.js';

/** Header of the notification's signature, `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const ALERT_SIGNATURE_HEADER = 'x-activator-signature';

/** A change of an alert's state, sent once per change. */
export interface AlertNotification {
  event: 'alert.opened' | 'alert.resolved';
  alert: Alert;
  /** Set on `alert.resolved`, ISO 8601. */
  resolvedAt?: string;
  /** Reason a resolved alert closed. */
  reason?: 'recovered' | 'connector_deactivated' | 'connector_deleted';
}

export interface AlertNotifierOptions {
  url: string;
  secret: string;
  dispatcher: Dispatcher;
  allowPrivateDestinations: boolean;
  /** True when outbound calls go through an egress proxy, which the address guard exempts. */
  viaProxy: boolean;
  logger: Logger;
  /** Waits before the second and later attempts, in ms. */
  retryDelaysMs?: readonly number[];
  now?: () => number;
}

const NOTIFICATION_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000];

/**
 * Posts alert notifications to the operator's webhook, one at a time and in order, signed like
 * the webhook connector's requests: `v1` is the HMAC-SHA256 of `<t>.<body>` keyed with
 * `ALERT_WEBHOOK_SECRET`. A notification that fails is tried again after each retry delay, then
 * dropped with an error in the log.
 */
export class WebhookAlertNotifier {
  readonly #http: PartnerHttpClient;
  readonly #path: string;
  readonly #query: Record<string, string>;
  readonly #now: () => number;
  #queue: Promise<void> = Promise.resolve();
  #closing = false;

  constructor(private readonly options: AlertNotifierOptions) {
    const url = new URL(options.url);
    this.#http = createPartnerHttpClient({
      baseUrl: options.url,
      timeoutMs: NOTIFICATION_TIMEOUT_MS,
      dispatcher: options.dispatcher,
      allowPrivateDestinations: options.allowPrivateDestinations,
      viaProxy: options.viaProxy,
    });
    // The client joins the base URL's path without its trailing slash and drops its query, so
    // both are sent back as the request's own path and query.
    this.#path = url.pathname.endsWith('/') ? '/' : '';
    this.#query = Object.fromEntries(url.searchParams);
    this.#now = options.now ?? Date.now;
  }

  /** Queues a notification behind the ones not yet sent. */
  notify(notification: AlertNotification): void {
    this.#queue = this.#queue
      .then(() => this.#deliver(notification))
      .catch((error: unknown) => {
        this.options.logger.error(
          { err: error, connectorId: notification.alert.connectorId },
          'alert notification failed unexpectedly; it is dropped',
        );
      });
  }

  /** Stops retrying and waits for the queued notifications, each given at most one more try. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#queue;
  }

  async #deliver(notification: AlertNotification): Promise<void> {
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const log = this.options.logger.child({
      connectorId: notification.alert.connectorId,
      kind: notification.alert.kind,
      event: notification.event,
    });
    for (let attempt = 1; ; attempt += 1) {
      const failure = await this.#post(notification);
      if (failure === undefined) {
        log.info({ attempt }, 'alert notification sent');

        return;
      }
      const delay = delays[attempt - 1];
      if (delay === undefined || this.#closing) {
        log.error(
          { attempt, failure },
          'alert notification not delivered; the alert stays listed by GET /api/v1/alerts',
        );

        return;
      }
      log.warn({ attempt, failure, retryInMs: delay }, 'alert notification failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Sends the notification once. Returns why it failed, or undefined after a 2xx response. */
  async #post(notification: AlertNotification): Promise<string | undefined> {
    const body = JSON.stringify({ ...notification, sentAt: new Date(this.#now()).toISOString() });
    const timestampSeconds = Math.floor(this.#now() / 1000);
    try {
      const response = await this.#http.send({
        method: 'POST',
        path: this.#path,
        query: this.#query,
        headers: {
          'content-type': 'application/json',
          [ALERT_SIGNATURE_HEADER]: signWebhookBody(this.options.secret, timestampSeconds, body),
        },
        body,
      });
      if (response.status >= 200 && response.status < 300) return undefined;

      return `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof PartnerRequestError) return `${error.kind}: ${error.message}`;
      throw error;
    }
  }
}
