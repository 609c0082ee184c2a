import { z } from 'zod';

/**
 * The company setting `webhooks`: where Quorum pushes session status changes (docs/webhooks.md). Part of the
 * company settings document (src/eligibility/settings.ts), so it is validated, stored and masked like the rest;
 * `secret` is sealed at rest by src/companies/secrets.ts because of its name.
 */

export const webhookEventTypes = ['session.state_changed', 'session.ended'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** How many endpoints one company may have: each is a dispatcher reading the timeline on its own. */
const maxEndpoints = 10;

/** Whether a URL carries a user name or password (one that does not parse has none: the URL check reports it). */
function hasCredentials(url: string): boolean {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return parsed !== undefined && (parsed.username !== '' || parsed.password !== '');
}

export const webhookEndpointSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
    .max(2000)
    // The URL is shown in answers and logs as it is; a password in it would be a secret shown in the clear.
    .refine((url) => !hasCredentials(url), 'no user name or password in the URL: receivers check the Quorum-Signature header instead'),
  secret: z.string().min(16, 'at least 16 characters: the key receivers check Quorum-Signature with (e.g. `openssl rand -hex 32`)').max(500),
  /** The event types this endpoint receives; absent: all of them. */
  events: z.array(z.enum(webhookEventTypes)).min(1).optional(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

// The URL is the endpoint's identity (its delivery state and cursor are stored under it), so it appears once.
export const webhooksSettingsSchema = z
  .array(webhookEndpointSchema)
  .max(maxEndpoints)
  .superRefine((endpoints, ctx) => {
    endpoints.forEach((endpoint, index) => {
      if (endpoints.findIndex((other) => other.url === endpoint.url) !== index) {
        ctx.addIssue({ code: 'custom', path: [index, 'url'], message: `${endpoint.url} is already listed; list each URL once (with every event type it takes)` });
      }
    });
  });

/** The event types an endpoint takes. */
export function subscribedTypes(endpoint: Pick<WebhookEndpoint, 'events'>): readonly WebhookEventType[] {
  return endpoint.events ?? webhookEventTypes;
}

/**
 * A company's endpoints as stored. One that does not read (its secret was sealed with another key, so it opens as
 * missing) is left out alone; `onUnreadable` hears its URL.
 */
export function endpointsOf(settings: Record<string, unknown> | undefined, onUnreadable?: (url: unknown) => void): WebhookEndpoint[] {
  const listed = settings?.['webhooks'];
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((entry: unknown) => {
    const parsed = webhookEndpointSchema.safeParse(entry);
    if (!parsed.success) onUnreadable?.((entry as { url?: unknown } | null)?.url);
    return parsed.success ? [parsed.data] : [];
  });
}
