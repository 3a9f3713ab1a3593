/** Partners whose APIs the simulator serves. */
export const SIMULATOR_PARTNERS = [
  'meta',
  'google',
  'cm360',
  'xandr',
  'azure',
  'clang',
  'mailchimp',
  'webhook',
] as const;

export type SimulatorPartner = (typeof SIMULATOR_PARTNERS)[number];
