import type { TObject } from 'typebox';
import type { ConnectorKind, ConnectorType, IdentifierType } from './connector-type.js';
import { azureBlob } from './azure-blob/definition.js';
import { clang } from './clang/definition.js';
import { googleAdsCustomerMatch } from './google-ads-customer-match/definition.js';
import { googleCm360 } from './google-cm360/definition.js';
import { googleDv360 } from './google-dv360/definition.js';
import { mailchimp } from './mailchimp/definition.js';
import { metaCustomAudiences } from './meta-custom-audiences/definition.js';
import { googleTag } from './tags/google-tag.js';
import { metaPixel } from './tags/meta-pixel.js';
import { xandrPixel } from './tags/xandr-pixel.js';
import { webhook } from './webhook/definition.js';
import { xandrSegments } from './xandr/definition.js';

/** The catalog entry of a type, as `GET /catalog` returns it. */
export interface CatalogEntry {
  id: string;
  name: string;
  kind: ConnectorKind;
  identifierTypes: IdentifierType[];
  multipleConfigurations: boolean;
  settingsSchema: TObject;
  credentialsSchema: TObject;
  audienceSettingsSchema: TObject;
}

// Each type is generic over its own settings; the catalog handles them as opaque values.
export type AnyConnectorType = ConnectorType<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Connector types that work end to end. A type is listed here only once it can deliver. */
export const builtInConnectorTypes: AnyConnectorType[] = [
  metaCustomAudiences,
  googleDv360,
  googleAdsCustomerMatch,
  googleCm360,
  azureBlob,
  clang,
  mailchimp,
  webhook,
  xandrSegments,
  metaPixel,
  googleTag,
  xandrPixel,
];

export class ConnectorCatalog {
  readonly #types: Map<string, AnyConnectorType>;

  constructor(types: AnyConnectorType[] = builtInConnectorTypes) {
    this.#types = new Map(types.map((type) => [type.id, type]));
  }

  get(typeId: string): AnyConnectorType | undefined {
    return this.#types.get(typeId);
  }

  ids(): string[] {
    return [...this.#types.keys()];
  }

  entries(): CatalogEntry[] {
    return [...this.#types.values()].map((type) => ({
      id: type.id,
      name: type.name,
      kind: type.kind,
      identifierTypes: type.identifierTypes,
      multipleConfigurations: type.multipleConfigurations,
      settingsSchema: type.settingsSchema,
      credentialsSchema: type.credentialsSchema,
      audienceSettingsSchema: type.audienceSettingsSchema,
    }));
  }
}
