/** Figures a fault scenario measured for one partner. */
export interface FaultFigure {
  scenario: string;
  partner: string;
  /** Starting point of the times: the end of the fault, or loading the profiles. */
  from: 'fault end' | 'loading';
  /** Delivery requests that the fault hit. */
  faultedRequests: number;
  /** Failed attempts the statistics counted, in profiles. */
  failedAttempts: number;
  /** Time until the partner accepted the next delivery request, in ms. */
  firstSuccessMs?: number;
  /** Time until every profile was counted as added, in ms. */
  allDeliveredMs?: number;
}

/**
 * Collects the figures of a test file and prints them as one Markdown table when the file ends,
 * so that a run's numbers can be read from the vitest output.
 */
export class FaultFigures {
  readonly #figures: FaultFigure[] = [];
  readonly #notes: string[] = [];

  record(figure: FaultFigure): void {
    this.#figures.push(figure);
  }

  /** Adds a line printed under the table. */
  note(line: string): void {
    this.#notes.push(line);
  }

  print(title: string): void {
    if (this.#figures.length === 0 && this.#notes.length === 0) return;
    const rows = this.#figures.map((figure) => ({
      scenario: figure.scenario,
      partner: figure.partner,
      'faulted requests': String(figure.faultedRequests),
      'failed attempts': String(figure.failedAttempts),
      'times from': figure.from,
      'first success ms': roundedOrBlank(figure.firstSuccessMs),
      'all delivered ms': roundedOrBlank(figure.allDeliveredMs),
    }));
    console.info([title, formatTable(rows), ...this.#notes].join('\n'));
  }
}

function roundedOrBlank(value: number | undefined): string {
  return value === undefined ? '' : String(Math.round(value));
}

/** Formats rows that share their keys as a Markdown table. */
function formatTable(rows: Record<string, string>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  if (columns.length === 0) return '';

  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((column) => row[column]).join(' | ')} |`),
  ].join('\n');
}
