import { createDataManagerType } from '../google-data-manager/connector-type-factory.js';
import type { DataManagerAccounts } from '../google-data-manager/schemas.js';
import { googleAdsSettingsSchema, type GoogleAdsSettings } from './schemas.js';

/** Removes the dashes of a customer id written as `123-456-7890`. */
function stripDashes(customerId: string): string {
  return customerId.replace(/-/g, '');
}

/** Stores customer ids as 10 digits, the form the Data Manager API takes. */
export function normalizeGoogleAdsSettings(settings: GoogleAdsSettings): GoogleAdsSettings {
  const normalized: GoogleAdsSettings = {
    ...settings,
    customerId: stripDashes(settings.customerId),
  };
  if (settings.loginCustomerId !== undefined) {
    normalized.loginCustomerId = stripDashes(settings.loginCustomerId);
  }

  return normalized;
}

/** Returns the customer as operating account and the manager account, if set, as login account. */
export function googleAdsAccounts(settings: GoogleAdsSettings): DataManagerAccounts {
  const accounts: DataManagerAccounts = {
    operatingAccount: { accountType: 'GOOGLE_ADS', accountId: stripDashes(settings.customerId) },
  };
  if (settings.loginCustomerId !== undefined) {
    accounts.loginAccount = {
      accountType: 'GOOGLE_ADS',
      accountId: stripDashes(settings.loginCustomerId),
    };
  }

  return accounts;
}

/** Google Ads Customer Match audiences through Google's Data Manager API. */
export const googleAdsCustomerMatch = createDataManagerType<GoogleAdsSettings>({
  id: 'google-ads-customer-match',
  name: 'Google Ads Customer Match',
  settingsSchema: googleAdsSettingsSchema,
  accountsOf: googleAdsAccounts,
  normalizeSettings: normalizeGoogleAdsSettings,
});
