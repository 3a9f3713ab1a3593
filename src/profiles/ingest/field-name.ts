const FIELD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Returns whether `name` can name an identifier type or an attribute: a letter followed by up to
 * 63 letters, digits or underscores. Field paths such as `attributes.dateOfBirth` join names with
 * dots, so a name must not contain one.
 */
export function isFieldName(name: string): boolean {
  return FIELD_NAME_PATTERN.test(name);
}
