import countries from 'i18n-iso-countries';
import englishLocale from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(englishLocale);

/**
 * Country names that name more than one ISO 3166-1 country, so they give no region. "Korea" is
 * North (KP) or South (KR), "Congo" is CG or CD, "Saint Martin" is an island split between MF
 * (French part) and SX (Dutch part), and "Virgin Islands" is VG or VI. A name that the
 * i18n-iso-countries English locale lists for more than one code is ambiguous as well; in version
 * 7.14.0 that is only "Congo".
 */
const AMBIGUOUS_NAMES = ['korea', 'congo', 'saint martin', 'virgin islands'];

/**
 * Former ISO 3166-1 short names and common English variants that the i18n-iso-countries English
 * locale (7.14.0) does not list. Sample CRM exports use them ("Libyan Arab Jamahiriya", "Swaziland").
 */
const NAME_ALIASES: Record<string, string> = {
  'british virgin islands': 'VG',
  'kyrgyz republic': 'KG',
  'libyan arab jamahiriya': 'LY',
  macedonia: 'MK',
  micronesia: 'FM',
  moldova: 'MD',
  'palestinian territory': 'PS',
  'svalbard & jan mayen islands': 'SJ',
  swaziland: 'SZ',
  'united states virgin islands': 'VI',
};

const ALPHA2_CODES = new Set(Object.keys(countries.getAlpha2Codes()));
const CODES_BY_NAME = indexCountryNames();

/**
 * Resolved values, keyed by the text as given, because an import repeats a few hundred country
 * names in every row. Only short text is kept, and the map is cleared when full, so values that
 * name no country cannot make it grow without bound.
 */
const RESOLVED = new Map<string, string | undefined>();
const MAX_RESOLVED = 10_000;
const MAX_RESOLVED_TEXT_LENGTH = 100;

/**
 * Resolves a country to its upper-case ISO 3166-1 alpha-2 code. Accepts an alpha-2 or alpha-3
 * code in any case, or an English country name compared without case, accents or a trailing
 * bracketed note ("Slovakia (Slovak Republic)"). Returns undefined for unknown and ambiguous
 * names.
 */
export function resolveRegion(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (RESOLVED.has(value)) {
    return RESOLVED.get(value);
  }
  const trimmed = value.trim();
  const region = trimmed ? (resolveCode(trimmed) ?? resolveName(trimmed)) : undefined;
  if (value.length <= MAX_RESOLVED_TEXT_LENGTH) {
    if (RESOLVED.size >= MAX_RESOLVED) {
      RESOLVED.clear();
    }
    RESOLVED.set(value, region);
  }
  return region;
}

function resolveCode(value: string): string | undefined {
  const upper = value.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && ALPHA2_CODES.has(upper)) {
    return upper;
  }
  if (/^[A-Z]{3}$/.test(upper)) {
    return countries.alpha3ToAlpha2(upper);
  }
  return undefined;
}

function resolveName(value: string): string | undefined {
  const key = normalizeName(value);
  const withoutNote = key.replace(/\s*\([^()]*\)$/, '');
  return codeForName(key) ?? (withoutNote === key ? undefined : codeForName(withoutNote));
}

function codeForName(key: string): string | undefined {
  const codes = CODES_BY_NAME.get(key);
  return codes?.length === 1 ? codes[0] : undefined;
}

function normalizeName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Maps each normalized name to its codes; ambiguous names get an empty list. */
function indexCountryNames(): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const add = (name: string, code: string): void => {
    const key = normalizeName(name);
    const codes = index.get(key) ?? [];
    if (!codes.includes(code)) {
      index.set(key, [...codes, code]);
    }
  };
  for (const [code, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
    for (const name of names) {
      add(name, code);
    }
  }
  for (const [name, code] of Object.entries(NAME_ALIASES)) {
    add(name, code);
  }
  for (const name of AMBIGUOUS_NAMES) {
    index.set(name, []);
  }
  return index;
}
