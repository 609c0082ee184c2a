import { SessionError } from '../../src/sessions/session-error.js';
import type { JoinContext } from '../types.js';
import { openFailureCause } from './open-failure.js';

/**
 * Opens the meeting link in the bot's page. Playwright cannot cancel a navigation, so a stop stops the
 * waiting (`stopped_by_operator`) and the navigation settles unobserved. A page that cannot load (DNS, network,
 * proxy, certificate, timeout) ends `internal_error`, which is retried, with the cause in the message.
 */
export async function openMeetingPage(ctx: JoinContext): Promise<void> {
  const navigation = ctx.page.goto(ctx.ref.url, { waitUntil: 'domcontentloaded', timeout: ctx.stepTimeoutMs });
  navigation.catch(() => undefined);
  let onAbort = (): void => undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    if ((await Promise.race([navigation, aborted])) === 'aborted') throw new SessionError('stopped_by_operator', 'open');
  } catch (error) {
    if (error instanceof SessionError) throw error;
    if (ctx.page.isClosed()) throw new SessionError('browser_crashed', 'open', 'page closed', { cause: error });
    throw new SessionError('internal_error', 'open', `could not open ${ctx.ref.url}: ${openFailureCause(error, ctx.stepTimeoutMs)}`, { cause: error });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
