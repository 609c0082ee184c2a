import type { Kysely } from 'kysely';
import type { BotAccount } from '../eligibility/settings.js';
import type { EndCode } from '../sessions/end-codes.js';
import type { SubCode } from '../sessions/session-error.js';
import type { Database } from '../store/schema.js';

/**
 * The `sign_in_failed` endings that repeat on every try until someone changes the account, as the adapters name
 * them (SessionError's `subCode`): the identity provider refused the password or the account, or asked for a second
 * step after the right password. The adapters' other `sign_in_failed` endings (the sign-in page never completed,
 * the guest form came back) carry none and may be a slow page: they leave no mark, and only the attempt right after
 * joins as a guest, as before.
 */
const lasting: ReadonlySet<SubCode> = new Set(['credentials_refused', 'second_step_required']);

export function isLastingSignInFailure(endCode: EndCode, subCode: SubCode | undefined): boolean {
  return endCode === 'sign_in_failed' && subCode !== undefined && lasting.has(subCode);
}

export interface AccountMark {
  email: string;
  /** The attempt's ending message: a refused password or account, or a second step. */
  reason: string;
  /** ISO time of the refused sign-in. */
  since: string;
  sessionId: string;
}

/** The keyed hash of secrets the marks compare credentials with (CompanyStore.fingerprint). */
export interface Fingerprints {
  fingerprint(value: string): string;
}

/**
 * Bot accounts of a company whose sign-in failed for a lasting reason (table `bot_account_marks`). The lease passes
 * over a marked account, so a meeting takes another account or joins as a guest at once instead of failing the same
 * sign-in first.
 *
 * A mark does not expire by itself: a wrong password and a second step the identity provider requires stay until
 * someone acts, and a timer would only spend a meeting's sign-in to find that out again. It ends when
 * - the account's credentials in the company's settings change: the mark keeps a keyed hash of the credentials that
 *   were refused, and a mark whose hash no longer matches counts as cleared (the settings write path knows nothing
 *   of marks; setting the same wrong password back brings the mark back, rightly);
 * - the account signs in and joins a meeting: an operator retry tries marked accounts too, which is how a fix made
 *   at the identity provider (its second step turned off, the stored password set there) is put to the test.
 */
export class AccountMarks {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: Fingerprints,
  ) {}

  async mark(companyId: string, provider: string, account: BotAccount, found: { reason: string; sessionId: string }): Promise<void> {
    const key = { company_id: companyId, provider, email: account.email.toLowerCase() };
    const values = { reason: found.reason, since: new Date().toISOString(), session_id: found.sessionId, fingerprint: this.fingerprintOf(account) };
    await this.db
      .insertInto('bot_account_marks')
      .values({ ...key, ...values })
      .onConflict((oc) => oc.columns(['company_id', 'provider', 'email']).doUpdateSet(values))
      .execute();
  }

  async clear(companyId: string, provider: string, email: string): Promise<void> {
    await this.db.deleteFrom('bot_account_marks').where('company_id', '=', companyId).where('provider', '=', provider).where('email', '=', email.toLowerCase()).execute();
  }

  /**
   * The marks that still hold for `accounts` (the provider's accounts as the settings give them now), by lower-case
   * email. A mark of an account no longer listed, or whose credentials changed since, is left out.
   */
  async current(companyId: string, provider: string, accounts: readonly BotAccount[]): Promise<Map<string, AccountMark>> {
    const held = new Map<string, AccountMark>();
    if (accounts.length === 0) return held;
    const rows = await this.db.selectFrom('bot_account_marks').selectAll().where('company_id', '=', companyId).where('provider', '=', provider).execute();
    for (const account of accounts) {
      const email = account.email.toLowerCase();
      const row = rows.find((r) => r.email === email);
      if (row && row.fingerprint === this.fingerprintOf(account)) held.set(email, { email: account.email, reason: row.reason, since: row.since, sessionId: row.session_id });
    }
    return held;
  }

  /** Email and password, so a change of either clears the mark; never stored, only hashed with a key outside the store. */
  private fingerprintOf(account: BotAccount): string {
    return this.keys.fingerprint(JSON.stringify([account.email.toLowerCase(), account.password]));
  }
}
