/** The reason text a service gave for refusing a request, kept verbatim for the page to show. */
export function refusalText(error: unknown, status: number): string {
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return detail;
  // FastAPI's validation list: each entry's own message, in order.
  if (Array.isArray(detail)) {
    return detail.map((entry) => (entry as { msg?: unknown })?.msg ?? JSON.stringify(entry)).join('; ');
  }
  return `HTTP ${status}${error === undefined ? '' : `: ${JSON.stringify(error)}`}`;
}
