import { z } from 'zod';
import type { ProviderId } from '../../providers/types.js';
import { webhooksSettingsSchema } from '../webhooks/endpoint-settings.js';

/**
 * A company's settings as stored (JSON) and edited through `PUT /v1/companies/:id`. Eligibility reads
 * nothing else about a company, so every rule that can fail names a path in this document.
 */

/** Runtime list of providers; the `satisfies` plus the check below keep it equal to `ProviderId`. */
export const providerIds = ['meet', 'webex', 'teams', 'zoom'] as const satisfies readonly ProviderId[];
type MissingProvider = Exclude<ProviderId, (typeof providerIds)[number]>;
// Fails to compile when a provider is added to ProviderId but not to providerIds.
const _allProvidersListed: MissingProvider extends never ? true : never = true;

const providerIdSchema = z.enum(providerIds);
const secret = z.string().min(1);

export const botAccountSchema = z.object({ email: z.email(), password: secret });
export type BotAccount = z.infer<typeof botAccountSchema>;

/** A dedicated signed-in account the bot joins with, past CAPTCHA and sign-in walls. */
export const authenticatedBotSchema = z.object({
  enabled: z.boolean().default(false),
  account: botAccountSchema.optional(),
  /** More accounts of the same kind: a meeting takes the first free one, so overlapping meetings need not wait. */
  accounts: z.array(botAccountSchema).max(100).optional(),
  /**
   * Meetings one account may be in at once (default 1). Keep 1 for Teams: two bots on one account merge into one
   * attendee. Google lets one account into several meetings; Attendee suggests one login per about 20.
   */
  meetingsPerAccount: z.number().int().min(1).max(50).optional(),
});

/** Every account of an authenticated bot, `account` first, each email once. */
export function botAccountsOf(bot: { account?: BotAccount | undefined; accounts?: readonly BotAccount[] | undefined }): BotAccount[] {
  const all = [...(bot.account ? [bot.account] : []), ...(bot.accounts ?? [])];
  return all.filter((account, index) => all.findIndex((other) => other.email.toLowerCase() === account.email.toLowerCase()) === index);
}

/**
 * The provider entry's authenticated-bot settings as stored, under their one key `authenticatedBot`. Meet's
 * entry called it `signedInBot` before all providers shared the key; a stored document may still say so.
 */
export function storedAuthenticatedBot(entry: Record<string, unknown> | undefined): unknown {
  return entry?.['authenticatedBot'] ?? entry?.['signedInBot'];
}

/** Moves a stored `signedInBot` to `authenticatedBot` on read (settings are migrated on read, never rewritten). */
function migrateSignedInBot(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || !Object.hasOwn(raw, 'signedInBot')) return raw;
  const { signedInBot, ...rest } = raw as Record<string, unknown>;
  return { ...rest, authenticatedBot: storedAuthenticatedBot({ ...rest, signedInBot }) };
}

export const meetSettingsSchema = z.preprocess(
  migrateSignedInBot,
  z.object({
    enabled: z.boolean().default(false),
    /** Optional Google account the bot signs in with; Meet admits anonymous bots through "Ask to join" otherwise. */
    authenticatedBot: authenticatedBotSchema.optional(),
  }),
);

export const zoomSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  /** `cloud`: Zoom records and we fetch after the meeting; `local`: a bot joins and records. */
  mode: z.enum(['cloud', 'local']).default('cloud'),
  accountId: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: secret.optional(),
  webhookSecretToken: secret.optional(),
  sdkKey: z.string().min(1).optional(),
  sdkSecret: secret.optional(),
  /** The Zoom admin set up automatic local-recording permission, so hosts are not asked. */
  automaticRecordingPermission: z.boolean().optional(),
  /**
   * Local mode: the Meeting SDK for Web build the bot page loads from Zoom's CDN (default: the build Quorum's page
   * was written against, providers/zoom/selectors.ts). Zoom stops accepting old builds, so moving on must not
   * wait for a Quorum release.
   */
  sdkVersion: z
    .string()
    .regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'a Meeting SDK for Web version such as 6.5.0')
    .optional(),
  /** Local mode: how long the bot waits for the host to answer its request for recording permission. */
  permissionTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /** Local mode: how long the bot waits for an absent host (nobody can grant permission) before `host_absent`. */
  hostAbsentWaitSeconds: z.number().int().min(0).max(14400).optional(),
  /**
   * Local mode, meetings outside the company's Zoom account: the Zoom user whose on-behalf-of (OBF) token the
   * bot joins with (Zoom requires it since 2026-03-02); that user must be in the meeting.
   */
  authorizingUserId: z.string().min(1).optional(),
  /**
   * Overrides of Zoom's API (`https://api.zoom.us/v2`) and OAuth (`https://zoom.us`) base URLs: the simulator, a
   * proxy. Admin token only (src/api/routes/companies.ts): they aim the server's own requests.
   */
  apiBaseUrl: z.url().optional(),
  oauthBaseUrl: z.url().optional(),
});

export const teamsSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  authenticatedBot: authenticatedBotSchema.default({ enabled: false }),
});

export const webexSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  authenticatedBot: authenticatedBotSchema.default({ enabled: false }),
  /** The company's Webex site, e.g. `acme` for acme.webex.com. */
  site: z.string().min(1).optional(),
});

export const providersSettingsSchema = z.object({
  meet: meetSettingsSchema.default({ enabled: false }),
  zoom: zoomSettingsSchema.default({ enabled: false, mode: 'cloud' }),
  teams: teamsSettingsSchema.default({ enabled: false, authenticatedBot: { enabled: false } }),
  webex: webexSettingsSchema.default({ enabled: false, authenticatedBot: { enabled: false } }),
});

export const permissionProfileSchema = z.object({
  name: z.string().min(1),
  /** Article: "Manually schedule & upload"; required to invite the assistant. */
  manualScheduleAndUpload: z.boolean(),
});

export const consentProfileSchema = z.object({
  name: z.string().min(1),
  enforceConsent: z.boolean(),
  /** Which consent link type each provider uses; a provider missing here has no consent link configured. */
  linkTypes: z.partialRecord(providerIdSchema, z.enum(['static', 'dynamic'])).default({}),
});

export const userSettingsSchema = z.object({
  email: z.email(),
  seat: z.boolean(),
  permissionProfile: z.string().min(1),
  consentProfile: z.string().min(1).optional(),
  /** Automatic recording only records meetings with at least one recordable internal participant. */
  recordable: z.boolean(),
});

export const automaticRecordingSchema = z.object({
  calendarAccess: z.boolean().default(false),
  exclusions: z
    .object({
      privateMeetings: z.boolean().default(true),
      blockedDomains: z.array(z.string().min(1)).default([]),
      keywords: z.array(z.string().min(1)).default([]),
      participants: z.array(z.email()).default([]),
    })
    .default({ privateMeetings: true, blockedDomains: [], keywords: [], participants: [] }),
});

/**
 * How long the company's files are kept after its session ended, in days; absent: the installation's
 * QUORUM_RETENTION_DAYS (0 there: kept for ever). Recordings (audio, Zoom cloud files) and failure evidence
 * (screenshots, saved pages) have separate periods. src/recording/retention.ts deletes what is older.
 */
export const retentionSettingsSchema = z
  .object({
    recordingDays: z.number().int().positive().max(36_500).optional(),
    evidenceDays: z.number().int().positive().max(36_500).optional(),
  })
  .strict();
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

const companyObjectSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_"'),
  name: z.string().min(1),
  /** Unique across the installation; the store enforces uniqueness, this only checks the form. */
  assistantAddress: z.email(),
  /** The bot's display name in this company's meetings; absent: the installation's QUORUM_BOT_NAME. */
  botName: z.string().min(1).optional(),
  /**
   * Display names (case-insensitive fragments) of notetaker bots this company meets besides the installation's
   * list (QUORUM_OTHER_BOT_NAMES), e.g. its own in-house recorder: they do not count as people for auto-leave.
   */
  otherBotNames: z.array(z.string().trim().min(1)).optional(),
  emailDomains: z.array(z.string().min(1)).default([]),
  providers: providersSettingsSchema,
  permissionProfiles: z.record(z.string().min(1), permissionProfileSchema).default({}),
  consentProfiles: z.record(z.string().min(1), consentProfileSchema).default({}),
  /** Keyed by e-mail address in lower case; lookups ignore case. */
  users: z.record(z.string().min(1), userSettingsSchema).default({}),
  retention: retentionSettingsSchema.optional(),
  /** Where session status changes are pushed (docs/webhooks.md); eligibility does not read it. */
  webhooks: webhooksSettingsSchema.optional(),
  automaticRecording: automaticRecordingSchema.default({
    calendarAccess: false,
    exclusions: { privateMeetings: true, blockedDomains: [], keywords: [], participants: [] },
  }),
});

export const companySettingsSchema = companyObjectSchema.superRefine(checkReferences);

export type CompanySettings = z.infer<typeof companySettingsSchema>;
export type CompanySettingsInput = z.input<typeof companySettingsSchema>;
export type ProvidersSettings = CompanySettings['providers'];
export type UserSettings = z.infer<typeof userSettingsSchema>;
export type ConsentProfile = z.infer<typeof consentProfileSchema>;
export type PermissionProfile = z.infer<typeof permissionProfileSchema>;
export type ConsentLinkType = 'static' | 'dynamic';

/** Installation-wide: the generic assistant addresses that no longer schedule anything. */
export const retiredAssistantAddressesSchema = z.array(z.email()).default([]);

// A dangling profile reference would silently change what a user may do, so it is rejected on save.
function checkReferences(company: z.output<typeof companyObjectSchema>, ctx: z.RefinementCtx): void {
  for (const [key, user] of Object.entries(company.users)) {
    if (key !== user.email.toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: ['users', key], message: `key must be the user's e-mail in lower case (${user.email.toLowerCase()})` });
    }
    if (!Object.hasOwn(company.permissionProfiles, user.permissionProfile)) {
      ctx.addIssue({ code: 'custom', path: ['users', key, 'permissionProfile'], message: `no permission profile "${user.permissionProfile}" in permissionProfiles` });
    }
    if (user.consentProfile !== undefined && !Object.hasOwn(company.consentProfiles, user.consentProfile)) {
      ctx.addIssue({ code: 'custom', path: ['users', key, 'consentProfile'], message: `no consent profile "${user.consentProfile}" in consentProfiles` });
    }
  }
}

/** Finds a company user by e-mail, ignoring case (mail addresses arrive in any case). */
export function findUser(company: CompanySettings, email: string | undefined): UserSettings | undefined {
  if (email === undefined) return undefined;
  const key = email.trim().toLowerCase();
  return Object.hasOwn(company.users, key) ? company.users[key] : undefined;
}

export interface DemoCompanyOptions {
  id?: string;
  name?: string;
  assistantAddress?: string;
  botName?: string;
  adminEmail?: string;
}

/**
 * A company that can record Google Meet right away: one admin with a seat and manual-request
 * permission, consent not enforced. Used by `quorum demo` and as a starting point in tests.
 */
export function defaultCompanySettings(options: DemoCompanyOptions = {}): CompanySettings {
  const adminEmail = (options.adminEmail ?? 'admin@acme.example').toLowerCase();
  const domain = adminEmail.split('@')[1] ?? 'acme.example';
  return companySettingsSchema.parse({
    id: options.id ?? 'acme',
    name: options.name ?? 'Acme',
    assistantAddress: options.assistantAddress ?? `assistant@${domain}`,
    botName: options.botName ?? 'Quorum Notetaker',
    emailDomains: [domain],
    providers: { meet: { enabled: true } },
    permissionProfiles: { admin: { name: 'Admin', manualScheduleAndUpload: true } },
    consentProfiles: { default: { name: 'Default', enforceConsent: false, linkTypes: {} } },
    users: {
      [adminEmail]: { email: adminEmail, seat: true, permissionProfile: 'admin', consentProfile: 'default', recordable: true },
    },
  } satisfies CompanySettingsInput);
}
