/**
 * Bad input for the CLI's own light-weight commands: the `exitCode` contract of failure.ts, without
 * loading the service kit (healthcheck runs every few seconds in each container).
 */
export function usageError(message: string): Error {
  return Object.assign(new Error(message), { exitCode: 2 });
}
