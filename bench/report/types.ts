/** One line of the summary table; cells are preformatted so figures choose their own units. */
export interface Row {
  measure: string;
  opsloop: string;
  baselines?: string;
  ratios?: string;
  target?: string;
  /** Whether the target was met; undefined when there is no target or it could not be judged. */
  met?: boolean;
  /** The same measure as recorded before a change, kept beside the new figure. */
  before?: string;
}

export interface FigureResult {
  id: string;
  title: string;
  rows: Row[];
  /** Everything measured, for the JSON block. */
  data: Record<string, unknown>;
  notes: string[];
  /** Set when the figure could not be measured (a harness failure, not a missed target). */
  error?: string;
  durationS?: number;
}
