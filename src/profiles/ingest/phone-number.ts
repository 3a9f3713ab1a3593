import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';

export type PhoneNumberResult = { value: string } | { reason: PhoneRejectionReason };

/**
 * `invalid_phone`: not a valid number for its country. `phone_without_region`: written without a
 * country code while the profile has no usable region.
 */
export type PhoneRejectionReason = 'invalid_phone' | 'phone_without_region';

/**
 * Normalizes a phone number to E.164 (`+31612345678`) with the libphonenumber-js metadata set
 * `max`, dropping any extension (`x3651`, `ext. 5`). A number that starts with `+` or with the
 * `00` international prefix carries its own country code and is parsed without `region`, so
 * `001-790-882-2468` reads as `+1 790 882 2468` whatever the profile's country. Any other number
 * is read as a national number of `region`, an ISO 3166-1 alpha-2 code.
 */
export function normalizePhoneNumber(raw: string, region: string | undefined): PhoneNumberResult {
  const trimmed = raw.trim();
  const international = toInternationalForm(trimmed);
  const defaultCountry = international === undefined ? supportedRegion(region) : undefined;
  if (international === undefined && defaultCountry === undefined) {
    return { reason: 'phone_without_region' };
  }

  // `extract: false` rejects text around the number, which the library would otherwise skip.
  const parsed = parsePhoneNumberFromString(international ?? trimmed, {
    defaultCountry,
    extract: false,
  });
  if (!parsed?.isValid()) {
    return { reason: 'invalid_phone' };
  }
  return { value: parsed.number };
}

function toInternationalForm(value: string): string | undefined {
  if (value.startsWith('+')) {
    return value;
  }
  // NOTE: `00` is the international prefix in most countries, but not in North America (`011`)
  // or Japan (`010`). A national number there never starts with `00`, so the rewrite is safe.
  if (value.startsWith('00')) {
    return `+${value.slice(2)}`;
  }
  return undefined;
}

function supportedRegion(region: string | undefined): CountryCode | undefined {
  return region !== undefined && isSupportedCountry(region) ? region : undefined;
}
