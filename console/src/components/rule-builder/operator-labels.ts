import type { RuleOperator } from '../../api/types';

/** Readable operator names for the select; the API value is shown beside each. */
export const OPERATOR_LABELS: Record<RuleOperator, string> = {
  eq: 'equals',
  neq: 'does not equal',
  in: 'is one of',
  contains: 'contains',
  starts_with: 'starts with',
  gt: 'greater than',
  gte: 'greater than or equal',
  lt: 'less than',
  lte: 'less than or equal',
  before: 'before date',
  after: 'after date',
  within_last_days: 'within the last N days',
  exists: 'exists',
};

/** Placeholder of the value input for each operator. */
export function valuePlaceholder(op: RuleOperator): string {
  switch (op) {
    case 'in':
      return 'Values, separated by commas';
    case 'before':
    case 'after':
      return 'YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ';
    case 'within_last_days':
      return 'Number of days, such as 30';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return 'A number';
    default:
      return 'Value';
  }
}
