/** A `runbookUrl` option: one URL for every alert, or a function of the alert name. */
export type RunbookUrlOption = string | ((alertname: string) => string) | undefined;

/** The `runbook_url` of one alert from a `runbookUrl` option. */
export function runbookFor(option: RunbookUrlOption, alertname: string): string | undefined {
  return typeof option === 'function' ? option(alertname) : option;
}
