import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { matchLink } from '../../providers/registry.js';
import type { BotAccount, SignedInStateStore } from '../../providers/types.js';
import type { CompanyStore } from '../companies/company-store.js';
import { authenticatedBotSchema, botAccountsOf, storedAuthenticatedBot } from '../eligibility/settings.js';
import type { EndCode } from '../sessions/end-codes.js';
import type { Session } from '../sessions/session.js';
import { SessionError, type SubCode } from '../sessions/session-error.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { StoreLeases } from '../store/leases.js';
import { providerEntry } from '../companies/provider-entry.js';
import { isLastingSignInFailure, type AccountMark, type AccountMarks } from './account-marks.js';

/**
 * End codes an anonymous bot meets that a signed-in bot gets past. With the authenticated bot off, the retry
 * policy's second attempt ends at once with the wall's code (the message says what to enable).
 */
export const signInWalls: readonly EndCode[] = ['blocked_by_captcha', 'sign_in_required'];

/**
 * End codes of a signed-in join that the account itself caused (the identity provider refused it). The next
 * attempt joins anonymously, the fallback: a meeting that admits guests is still recorded.
 */
export const accountFailures: readonly EndCode[] = ['sign_in_failed'];

/**
 * The leases of a company's bot accounts: `perAccount` per account, each slot a row in the shared store, so the
 * limit holds across every worker process. Slot 1 of every account comes before any slot 2, so meetings spread
 * over the accounts. Teams merges two bots on one account into one attendee (Recall, Attendee docs): its accounts
 * keep one slot.
 */
export function accountSlots(provider: string, accounts: readonly BotAccount[], perAccount: number): Array<{ key: string; account: BotAccount }> {
  const slots: Array<{ key: string; account: BotAccount }> = [];
  for (let slot = 1; slot <= perAccount; slot += 1) {
    for (const account of accounts) slots.push({ key: `${provider}:${account.email.toLowerCase()}${slot === 1 ? '' : `#${slot}`}`, account });
  }
  return slots;
}

/** Why no account was free, in the requester's words: busy in other meetings, or refused before (account-marks.ts). */
function guestReason(accounts: number, cannotSignIn: number): string {
  if (cannotSignIn === 0) return `every bot account (${accounts}) was in other meetings`;
  if (cannotSignIn === accounts) return `every bot account (${accounts}) cannot sign in (its sign-in was refused before: see the provider status)`;
  return `every bot account (${accounts}) was in other meetings or cannot sign in (${cannotSignIn} refused before: see the provider status)`;
}

/** The signed-in browser state of one account, AES-256-GCM encrypted with a key kept in the data directory. */
export class EncryptedStateFile implements SignedInStateStore {
  constructor(
    private readonly file: string,
    private readonly key: () => Promise<Buffer>,
  ) {}

  async load(): Promise<string | undefined> {
    if (!existsSync(this.file)) return undefined;
    const blob = await readFile(this.file);
    const decipher = createDecipheriv('aes-256-gcm', await this.key(), blob.subarray(0, 12));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
  }

  async save(state: string): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.key(), iv);
    const body = Buffer.concat([cipher.update(state, 'utf8'), cipher.final()]);
    const temp = `${this.file}.tmp`;
    await writeFile(temp, Buffer.concat([iv, cipher.getAuthTag(), body]), { mode: 0o600 });
    await rename(temp, this.file);
  }
}

export interface AccountUse {
  /** Spread into the adapter's JoinContext. */
  join: { authenticated?: boolean; account?: BotAccount };
  release(): Promise<void>;
  /**
   * Every bot account was in other meetings or cannot sign in (account-marks.ts), so this attempt goes as a guest
   * (`join` is empty).
   */
  busy?: AccountsBusy;
  /** How the attempt went for its leased account (absent for a guest): marks or clears it; never throws. */
  report?(outcome: AccountOutcome): Promise<void>;
}

/** The bot got into the meeting (its sign-in held), or the attempt ended with this code and message. */
export type AccountOutcome = { admitted: true } | { admitted: false; endCode: EndCode; message: string; subCode?: SubCode };

export interface AccountsBusy {
  accounts: number;
  /** Of `accounts`, those passed over because their sign-in was refused before (the rest were busy). */
  cannotSignIn?: number;
  /** In the requester's words, for the attempt's ending. */
  reason: string;
  /**
   * The sign-in wall the previous attempt met: a guest would meet it again, so the attempt ends at once with this
   * code instead of joining (as with the authenticated bot off).
   */
  wall?: EndCode;
}

export interface SignedInBotsOptions {
  companies: CompanyStore;
  sessions: SessionStore;
  dataDir: string;
  leases: StoreLeases;
  /** Accounts whose sign-in failed for a lasting reason, passed over by the lease; absent: none is ever marked. */
  marks?: AccountMarks;
}

/**
 * Decides per attempt whether the bot joins signed in. With the company's authenticated bot enabled for the
 * provider every attempt joins signed in, except the one right after a signed-in attempt the account itself
 * failed (`accountFailures`), and one that finds every account in other meetings or marked as unable to sign in
 * (account-marks.ts): both join anonymously. Holds the account's lease for the attempt, hands the adapter its
 * encrypted signed-in state, and takes the attempt's outcome for the account's mark. With the authenticated bot off
 * every attempt is anonymous.
 */
export class SignedInBots {
  readonly leases: StoreLeases;
  private keyPromise: Promise<Buffer> | undefined;

  constructor(private readonly options: SignedInBotsOptions) {
    this.leases = options.leases;
  }

  async forAttempt(session: Session, signal: AbortSignal, log: Logger): Promise<AccountUse> {
    const anonymous: AccountUse = { join: {}, release: () => Promise.resolve() };
    const bot = await this.authenticatedBot(session);
    const { earlier, byOperator } = await this.history(session);
    // The adapter names meetings a signed-in account cannot join (Teams consumer meetings): anonymous, as with the bot off.
    const signInUnsupported = matchLink(session.meetingUrl)?.ref.signInUnsupported === true;
    if (!bot?.enabled || signInUnsupported) {
      const wall = earlier.findLast((code) => signInWalls.includes(code));
      // The same anonymous bot would meet the same wall; end now with its code (the message says what to enable).
      if (wall !== undefined) throw new SessionError(wall, 'account', `an earlier attempt met this wall and ${signInUnsupported ? 'this meeting does not admit a signed-in bot' : 'the authenticated bot is off'}`);
      if (bot?.enabled) log.info('this meeting does not admit a signed-in bot account; joining anonymously');
      return anonymous;
    }
    const accounts = botAccountsOf(bot);
    if (accounts.length === 0) throw new SessionError('credentials_missing', 'account', 'the authenticated bot has no account credentials');
    // An operator retry tries marked accounts too: how a fix made at the identity provider is put to the test.
    const marked = byOperator ? new Map<string, AccountMark>() : ((await this.options.marks?.current(session.companyId, session.provider, accounts)) ?? new Map<string, AccountMark>());
    const previous = earlier.at(-1);
    // The previous attempt's account failed: when that left a mark the lease below passes over the account (another
    // may sign in); otherwise only this attempt, right after, goes anonymous, and an operator retry signs in again.
    const markedHere = [...marked.values()].some((mark) => mark.sessionId === session.id);
    if (previous !== undefined && accountFailures.includes(previous) && !markedHere && !byOperator) {
      log.warn({ after: previous }, 'the bot account could not sign in on the previous attempt; joining anonymously');
      return anonymous;
    }
    const meetingsPerAccount = bot.meetingsPerAccount ?? 1;
    const slots = accountSlots(session.provider, accounts.filter((a) => !marked.has(a.email.toLowerCase())), meetingsPerAccount);
    // No wait for an account: a wait held the session in `joining` with a browser slot until the meeting's end, and
    // a meeting that admits guests was lost for it. A guest now is what the sign-in fallback does too.
    const taken = slots.length === 0 ? undefined : await this.leases.acquireAny(slots.map((slot) => slot.key), session.id, signal, new Date(0));
    if (!taken) return this.asGuest(session, { accounts: accounts.length, cannotSignIn: marked.size, meetingsPerAccount, previous }, log);
    const { key, release } = taken;
    const account = slots.find((slot) => slot.key === key)?.account ?? (accounts[0] as BotAccount);
    log.info({ account: account.email }, 'joining signed in to a bot account');
    return {
      // The lease is the account's, across companies; a stored sign-in is one company's own and never lent to another.
      join: { authenticated: true, account: { ...account, signedInState: this.stateFile(`${session.companyId}:${session.provider}:${account.email.toLowerCase()}`) } },
      release,
      report: (outcome) => this.report(session, account, outcome, log),
    };
  }

  /** A lasting sign-in refusal marks the account; an admission (its sign-in held) clears the mark. */
  private async report(session: Session, account: BotAccount, outcome: AccountOutcome, log: Logger): Promise<void> {
    const marks = this.options.marks;
    if (!marks) return;
    try {
      if (outcome.admitted) {
        await marks.clear(session.companyId, session.provider, account.email);
      } else if (isLastingSignInFailure(outcome.endCode, outcome.subCode)) {
        await marks.mark(session.companyId, session.provider, account, { reason: outcome.message, sessionId: session.id });
        log.warn({ account: account.email }, 'the bot account cannot sign in: later meetings pass over it until its credentials change');
      }
    } catch (error) {
      // The attempt's own ending comes first; a lost mark costs one more refused sign-in.
      log.warn({ err: error, account: account.email }, "could not record the bot account's sign-in outcome");
    }
  }

  /**
   * Every account is in other meetings or cannot sign in: the attempt joins as a guest, said in the timeline. After
   * the previous attempt met a sign-in wall it ends at once with that wall's code instead: a guest would meet it again.
   */
  private async asGuest(session: Session, busy: { accounts: number; cannotSignIn: number; meetingsPerAccount: number; previous: EndCode | undefined }, log: Logger): Promise<AccountUse> {
    const { accounts, cannotSignIn, meetingsPerAccount, previous } = busy;
    const wall = previous !== undefined && signInWalls.includes(previous) ? previous : undefined;
    const why = guestReason(accounts, cannotSignIn);
    const reason = wall ? `${why}, and a guest meets this meeting's sign-in wall (the previous attempt did)` : `${why}, so the bot joined as a guest`;
    const refused = cannotSignIn > 0 ? { cannotSignIn } : {};
    log.info({ accounts, meetingsPerAccount, ...refused, ...(wall ? { wall } : {}) }, wall ? `${why}, and a guest meets ${wall}` : `${why}; joining as a guest`);
    const fence = { attempt: session.attempt, workerId: session.workerId };
    await this.options.sessions.note(session.id, 'bot_accounts_busy', { accounts, meetingsPerAccount, ...refused, joinedAsGuest: !wall, ...(wall ? { wall } : {}), reason }, fence);
    return { join: {}, release: () => Promise.resolve(), busy: { accounts, ...refused, reason, ...(wall ? { wall } : {}) } };
  }

  /** End codes of this session's earlier attempts, oldest first, and whether an operator's retry made this one. */
  private async history(session: Session): Promise<{ earlier: EndCode[]; byOperator: boolean }> {
    const attempts = (await this.options.sessions.attempts(session.id)).sort((a, b) => a.number - b.number);
    return {
      earlier: attempts.filter((a) => a.number < session.attempt).flatMap((a) => (a.endCode === null ? [] : [a.endCode])),
      byOperator: attempts.find((a) => a.number === session.attempt)?.reason === 'operator',
    };
  }

  private async authenticatedBot(session: Session) {
    const company = await this.options.companies.get(session.companyId);
    const raw = storedAuthenticatedBot(providerEntry(company?.settings, session.provider));
    if (raw === undefined) return undefined;
    const parsed = authenticatedBotSchema.safeParse(raw);
    // Unusable credentials count as missing ones; the parse error is not logged, it may quote the password.
    if (!parsed.success) return { enabled: (raw as { enabled?: unknown }).enabled === true, account: undefined };
    return parsed.data;
  }

  private stateFile(key: string): SignedInStateStore {
    const name = createHash('sha256').update(key).digest('hex').slice(0, 24);
    const dir = join(this.options.dataDir, 'accounts');
    return new EncryptedStateFile(join(dir, `${name}.state`), () => this.key(dir));
  }

  private key(dir: string): Promise<Buffer> {
    this.keyPromise ??= (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, 'state.key');
      if (!existsSync(file)) await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
      return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    })();
    return this.keyPromise;
  }
}
