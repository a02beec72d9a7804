/**
 * Former dataset ids. Ids once named a dataset `<owner>:my_budget`; they now
 * follow the reference (`<owner>:my-budget`), and the old ones keep answering.
 */
export interface DatasetAliases {
  /** The id a former id was renamed to; the id itself when it is no former id. */
  currentId(id: string): Promise<string>;
}
