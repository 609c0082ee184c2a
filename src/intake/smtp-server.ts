import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { ConfigError } from '../config.js';
import type { InboundMail } from './inbound.js';

export interface SmtpOptions {
  host: string;
  port: number;
  maxBytes: number;
  /** PEM files (QUORUM_SMTP_TLS_CERT and _KEY); both given, the server offers STARTTLS; one alone is refused. */
  tlsCert?: string;
  tlsKey?: string;
  /** Connections open at once; more are refused with 421 (default `MAX_CLIENTS`). */
  maxClients?: number;
  log: Logger;
}

/**
 * Connections served at once. The listener shares the process (and its file descriptors) with the API and the
 * bots, so a peer opening sockets without end must meet a limit; a sending MTA refused with 421 tries again later.
 */
export const MAX_CLIENTS = 100;

/**
 * Unknown recipients one connection may try before it is closed (421): each costs a company lookup, and a peer
 * walking a dictionary of addresses is harvesting which ones exist, not delivering an invite.
 */
export const MAX_REFUSED_RECIPIENTS = 20;

export interface RunningSmtp {
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The message, or undefined once it is over `maxBytes`. The server only flags an oversized message and keeps
 * streaming it, so past the limit the rest is read and dropped: keeping it held the whole of any size in memory.
 */
export async function readMessage(stream: AsyncIterable<unknown>, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    if (bytes > maxBytes) continue;
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) chunks.length = 0;
    else chunks.push(chunk as Buffer);
  }
  return bytes > maxBytes ? undefined : Buffer.concat(chunks);
}

/** Reads one PEM file of the STARTTLS pair; a failure names the setting and the path, not only ENOENT. */
function readPem(setting: string, path: string | undefined, other: string): Buffer {
  if (!path) throw new ConfigError(`${setting}: not set, but ${other} is: STARTTLS needs both files (or neither)`);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
    throw new ConfigError(`${setting}: cannot read ${path} (${why}); SMTP STARTTLS needs a readable PEM file`);
  }
}

/**
 * The STARTTLS certificate and key, or undefined when neither is set. Read and tried here so that a missing or
 * unusable file stops the start naming its setting, not as an unexpected ENOENT or OpenSSL error.
 */
function readTls(options: SmtpOptions): { cert: Buffer; key: Buffer } | undefined {
  if (!options.tlsCert && !options.tlsKey) return undefined;
  const cert = readPem('QUORUM_SMTP_TLS_CERT', options.tlsCert, 'QUORUM_SMTP_TLS_KEY');
  const key = readPem('QUORUM_SMTP_TLS_KEY', options.tlsKey, 'QUORUM_SMTP_TLS_CERT');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(`QUORUM_SMTP_TLS_CERT, QUORUM_SMTP_TLS_KEY: ${options.tlsCert} and ${options.tlsKey} are not a PEM certificate and its private key (${(error as Error).message})`);
  }
  return { cert, key };
}

/**
 * The invite SMTP server: refuses recipients that are no assistant address at RCPT time (so nothing is
 * accepted for addresses nobody reads), refuses oversized mail, and hands each message to the inbound path.
 * Mail is acknowledged only after it is stored and applied, so a 250 means the invite is in.
 */
export async function startSmtpServer(inbound: InboundMail, options: SmtpOptions): Promise<RunningSmtp> {
  const tls = readTls(options);
  const log = options.log;
  // Unknown recipients tried so far, by connection.
  const refused = new Map<string, number>();
  const server = new SMTPServer({
    name: 'quorum',
    banner: 'Quorum invite intake',
    size: options.maxBytes,
    maxClients: options.maxClients ?? MAX_CLIENTS,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ?? {}),
    logger: false,
    onRcptTo(address, session, callback) {
      if ((refused.get(session.id) ?? 0) >= MAX_REFUSED_RECIPIENTS) return callback(smtpError(421, '4.7.0 too many unknown recipients; closing'));
      inbound.knows(address.address).then(
        (known) => {
          if (!known) refused.set(session.id, (refused.get(session.id) ?? 0) + 1);
          callback(known ? undefined : smtpError(550, `5.1.1 <${address.address}>: no such assistant address`));
        },
        (error: unknown) => callback(smtpError(451, `4.3.0 try again later: ${String(error)}`)),
      );
    },
    onClose(session) {
      refused.delete(session.id);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      readMessage(stream, options.maxBytes)
        .then(async (raw) => {
          if (!raw || stream.sizeExceeded) return callback(smtpError(552, `5.3.4 message larger than ${options.maxBytes} bytes`));
          // `MAIL FROM:<>` (a bounce, RFC 5321 §4.5.5) is kept as '': the reply path must know nobody may be answered.
          const mailFrom = session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
          const result = await inbound.receive({
            transport: 'smtp',
            raw,
            envelope: {
              recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
              remoteIp: session.remoteAddress.replace(/^::ffff:/, ''),
              ...(session.hostNameAppearsAs ? { helo: session.hostNameAppearsAs } : {}),
              ...(mailFrom !== undefined ? { mailFrom } : {}),
            },
          });
          log.info({ messageId: result.id, status: result.status, events: result.events.length }, 'invite mail received');
          return callback(null, `Ok: queued as ${result.id}`);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'smtp message could not be stored');
          callback(smtpError(451, '4.3.0 could not store the message; try again later'));
        });
    },
  });
  // A failure to listen is the caller's to report (one line naming the port); connection errors come after.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log.warn({ err: error }, 'smtp connection error'));
  const port = (server.server.address() as AddressInfo).port;
  log.info({ host: options.host, port, starttls: tls !== undefined }, 'smtp intake listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
