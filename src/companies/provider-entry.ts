/**
 * One provider's raw entry in a company's stored settings (`settings.providers[provider]`), or undefined.
 * Callers validate it with their own schema: the settings API validated it on save, but a stored document
 * may predate a schema change.
 */
export function providerEntry(settings: Record<string, unknown> | undefined, provider: string): Record<string, unknown> | undefined {
  const providers = settings?.['providers'];
  const entry = typeof providers === 'object' && providers !== null ? (providers as Record<string, unknown>)[provider] : undefined;
  return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
}
