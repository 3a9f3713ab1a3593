import type { Ajv } from 'ajv';
import { compileValidator } from '../../validation/schema-validator.js';
import type { ConnectorCatalog } from '../catalog.js';

type Check = (value: unknown) => string | undefined;

/** Compiled validators of every catalog type's schemas; each returns a message or undefined. */
export class TypeValidators {
  readonly #settings = new Map<string, Check>();
  readonly #credentials = new Map<string, Check>();
  readonly #audienceSettings = new Map<string, Check>();

  constructor(catalog: ConnectorCatalog, ajv: Ajv) {
    for (const entry of catalog.entries()) {
      this.#settings.set(entry.id, compileValidator(ajv, entry.settingsSchema, 'settings'));
      this.#credentials.set(
        entry.id,
        compileValidator(ajv, entry.credentialsSchema, 'credentials'),
      );
      this.#audienceSettings.set(
        entry.id,
        compileValidator(ajv, entry.audienceSettingsSchema, 'settings'),
      );
    }
  }

  settings(typeId: string, value: unknown): string | undefined {
    return this.#require(this.#settings, typeId)(value);
  }

  credentials(typeId: string, value: unknown): string | undefined {
    return this.#require(this.#credentials, typeId)(value);
  }

  audienceSettings(typeId: string, value: unknown): string | undefined {
    return this.#require(this.#audienceSettings, typeId)(value);
  }

  #require(checks: Map<string, Check>, typeId: string): Check {
    const check = checks.get(typeId);
    if (!check) throw new Error(`No validator for connector type '${typeId}'.`);

    return check;
  }
}
