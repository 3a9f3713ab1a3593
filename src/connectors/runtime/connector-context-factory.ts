import type { Dispatcher } from 'undici';
import { createPartnerHttpClient, type PartnerHttpClient } from '../../net/partner-http-client.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { ConnectorRow } from '../../store/connector-repository.js';
import type { AnyConnectorType } from '../catalog.js';
import { type CommonSettings, type DeliveryLimits, resolveLimits } from '../common-settings.js';
import type { ConnectorContext } from '../connector-type.js';

export interface ConnectorContextFactoryOptions {
  secretBox: SecretBox;
  dispatcher: Dispatcher;
  allowPrivateDestinations: boolean;
  /** True when partner calls go through an egress proxy, which the address guard exempts. */
  viaProxy: boolean;
  /** Wraps every partner client before the caller's own wrapper, such as to time requests. */
  instrument?: (type: AnyConnectorType, http: PartnerHttpClient) => PartnerHttpClient;
}

/** A connector ready to call its partner: parsed settings, credentials, limits and HTTP. */
export interface ConnectorRuntime {
  context: ConnectorContext<Record<string, unknown>, Record<string, unknown>>;
  limits: DeliveryLimits;
}

/** Builds what a type needs to call the partner for one stored connector. */
export class ConnectorContextFactory {
  constructor(private readonly options: ConnectorContextFactoryOptions) {}

  /** Returns the connector's limits: its own settings, else the type's defaults. */
  limits(row: ConnectorRow, type: AnyConnectorType): DeliveryLimits {
    return resolveLimits(JSON.parse(row.settings) as CommonSettings, type.defaults);
  }

  create(
    row: ConnectorRow,
    type: AnyConnectorType,
    wrapHttp: (http: PartnerHttpClient) => PartnerHttpClient = (http) => http,
  ): ConnectorRuntime {
    const settings = JSON.parse(row.settings) as Record<string, unknown> & CommonSettings;
    const credentials = this.options.secretBox.open<Record<string, unknown>>(row.credentials);
    const limits = resolveLimits(settings, type.defaults);
    const instrument = this.options.instrument ?? ((_type, http) => http);
    const clientFor = (baseUrl: string) =>
      wrapHttp(
        instrument(
          type,
          createPartnerHttpClient({
            baseUrl,
            timeoutMs: limits.timeoutMs,
            dispatcher: this.options.dispatcher,
            allowPrivateDestinations: this.options.allowPrivateDestinations,
            viaProxy: this.options.viaProxy,
          }),
        ),
      );
    const baseUrl =
      settings.baseUrl ?? type.baseUrlFor?.(settings, credentials) ?? type.defaultBaseUrl;

    return {
      context: { settings, credentials, http: clientFor(baseUrl), httpFor: clientFor },
      limits,
    };
  }
}
