import type { Rule } from '../rules/rule.js';

/** An audience as the API returns it. */
export interface AudienceView {
  id: string;
  name: string;
  rule?: Rule;
  memberCount: number;
  connections: {
    connectorId: string;
    settings: Record<string, unknown>;
    delivered: { added: number; removed: number };
  }[];
  createdAt: string;
}
