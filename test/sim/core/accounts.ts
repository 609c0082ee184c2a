import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SimProviderId } from './types.js';

/**
 * A second sign-in step the identity provider asks for after the right password, which a bot cannot answer:
 * `approve` a push to an authenticator app, `code` a one-time code, `register` the MFA registration an
 * account is sent to when its organization starts requiring MFA.
 */
export type SecondStep = 'approve' | 'code' | 'register';

/** A user the simulated identity provider knows; the bot's authenticated account in tests. */
export interface SimAccount {
  provider: SimProviderId;
  email: string;
  password: string;
  displayName: string;
  /** The account has two-step verification (MFA) on: the right password leads to this step, never to a session. */
  secondStep?: SecondStep;
}

export type SignInCheck = 'ok' | 'second_step' | 'unknown_account' | 'wrong_password';

/**
 * Accounts with two-step verification on, which every simulated identity provider knows beside the accounts a
 * test passes: a test or a company's settings name one to show a bot account that cannot sign in by password.
 */
export const secondStepAccounts = {
  teams: { provider: 'teams', email: 'mfa-notetaker@quorum-sim.onmicrosoft.com', password: 'Sim-Teams-Mfa-Pa55!', displayName: 'Quorum MFA Bot (Teams)', secondStep: 'approve' },
  teamsCode: { provider: 'teams', email: 'otc-notetaker@quorum-sim.onmicrosoft.com', password: 'Sim-Teams-Otc-Pa55!', displayName: 'Quorum OTC Bot (Teams)', secondStep: 'code' },
  teamsRegistration: { provider: 'teams', email: 'new-notetaker@quorum-sim.onmicrosoft.com', password: 'Sim-Teams-New-Pa55!', displayName: 'Quorum New Bot (Teams)', secondStep: 'register' },
  webex: { provider: 'webex', email: 'mfa-notetaker@quorum-sim.example', password: 'Sim-Webex-Mfa-Pa55!', displayName: 'Quorum MFA Bot (Webex)', secondStep: 'code' },
  meet: { provider: 'meet', email: 'mfa-notetaker@quorum-sim.example', password: 'Sim-Google-Mfa-Pa55!', displayName: 'Quorum MFA Bot (Meet)', secondStep: 'code' },
} as const satisfies Record<string, SimAccount>;

interface Ticket {
  account: SimAccount;
  expiresAt: number;
}

/**
 * The simulated identity providers' accounts and sign-in sessions, provider-neutral: each provider's
 * sign-in page verifies here and each meeting page asks here who its cookie belongs to.
 */
export class SimAccounts {
  private readonly tickets = new Map<string, Ticket>();
  private readonly signInCounts = new Map<string, number>();
  private readonly accounts: readonly SimAccount[];

  constructor(
    accounts: readonly SimAccount[],
    private readonly ttlMs: number,
  ) {
    const known = (a: SimAccount) => accounts.some((b) => b.provider === a.provider && b.email.toLowerCase() === a.email.toLowerCase());
    this.accounts = [...accounts, ...Object.values(secondStepAccounts).filter((a) => !known(a))];
  }

  find(provider: SimProviderId, email: string): SimAccount | undefined {
    const key = email.trim().toLowerCase();
    return this.accounts.find((a) => a.provider === provider && a.email.toLowerCase() === key);
  }

  verify(provider: SimProviderId, email: string, password: string): SignInCheck {
    const account = this.find(provider, email);
    if (!account) return 'unknown_account';
    if (account.password !== password) return 'wrong_password';
    return account.secondStep === undefined ? 'ok' : 'second_step';
  }

  /** The second step the account's sign-in asks for after its password, if any. */
  secondStepOf(provider: SimProviderId, email: string): SecondStep | undefined {
    return this.find(provider, email)?.secondStep;
  }

  /** A completed password sign-in: counted, and answered with a session token and its lifetime. */
  issue(provider: SimProviderId, email: string): { token: string; maxAgeSeconds: number } {
    const account = this.find(provider, email);
    if (!account) throw new Error(`no simulated account ${email}`);
    const token = randomBytes(18).toString('base64url');
    this.tickets.set(token, { account, expiresAt: Date.now() + this.ttlMs });
    const key = `${provider}:${account.email.toLowerCase()}`;
    this.signInCounts.set(key, (this.signInCounts.get(key) ?? 0) + 1);
    return { token, maxAgeSeconds: Math.max(1, Math.floor(this.ttlMs / 1000)) };
  }

  /** The signed-in account behind a request's session cookie, if the session is still valid. */
  signedIn(provider: SimProviderId, req: IncomingMessage, cookieName: string): SimAccount | undefined {
    const token = readCookie(req, cookieName);
    const ticket = token === undefined ? undefined : this.tickets.get(token);
    if (!ticket || ticket.account.provider !== provider) return undefined;
    if (ticket.expiresAt <= Date.now()) {
      this.tickets.delete(token ?? '');
      return undefined;
    }
    return ticket.account;
  }

  /** How many times an account completed the password sign-in. */
  signIns(provider: SimProviderId, email: string): number {
    return this.signInCounts.get(`${provider}:${email.toLowerCase()}`) ?? 0;
  }

  /** Ends every sign-in session, as an expiry or a password change would. */
  revokeAll(): void {
    this.tickets.clear();
  }
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Reads an urlencoded form body (the sign-in pages post plain HTML forms). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) break;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
