import { createDataManagerType } from '../google-data-manager/connector-type-factory.js';
import type { DataManagerAccounts } from '../google-data-manager/schemas.js';
import { dv360SettingsSchema, type Dv360Settings } from './schemas.js';

/** Returns the advertiser as operating account and the partner, if set, as login account. */
export function dv360Accounts(settings: Dv360Settings): DataManagerAccounts {
  const accounts: DataManagerAccounts = {
    operatingAccount: { accountType: 'DISPLAY_VIDEO_ADVERTISER', accountId: settings.advertiserId },
  };
  if (settings.loginAccountId !== undefined) {
    accounts.loginAccount = {
      accountType: 'DISPLAY_VIDEO_PARTNER',
      accountId: settings.loginAccountId,
    };
  }

  return accounts;
}

/** Display & Video 360 Customer Match audiences through Google's Data Manager API. */
export const googleDv360 = createDataManagerType<Dv360Settings>({
  id: 'google-dv360',
  name: 'Google Display & Video 360 Customer Match',
  settingsSchema: dv360SettingsSchema,
  accountsOf: dv360Accounts,
});
