/** Partners whose APIs the simulator serves. */
export const SIMULATOR_PARTNERS = ['meta'] as const;

export type SimulatorPartner = (typeof SIMULATOR_PARTNERS)[number];
