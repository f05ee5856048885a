/** Where the page finds the services: written by the serving side as /config.json for this run. */
export interface UiConfig {
  configurationUrl: string;
  directControlUrl: string;
  queueServerUrl: string;
  /** The queue server's single-user API key for this run, if it has one. */
  queueServerApiKey?: string;
}

/** Loads /config.json from the server that served the page. */
export async function loadConfig(): Promise<UiConfig> {
  const response = await fetch('/config.json');
  if (!response.ok) throw new Error(`/config.json: HTTP ${response.status}`);
  return (await response.json()) as UiConfig;
}
