import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { systemClock, type Clock } from '../../kernel/index.js';
import { parseMail } from './mime-parse.js';

export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  messageId?: string;
  headers: Record<string, string>;
  raw: string;
  at: Date;
}

export interface FakeSmtp {
  readonly host: string;
  readonly port: number;
  /** smtp://user:password@127.0.0.1:port, with the fake's own credentials unless others are given. */
  smtpUrl(user?: string, password?: string): string;
  messages(): ReceivedMail[];
  /** Every RCPT TO for this address answers `code` (550 unknown mailbox by default) until reset(). */
  rejectRecipient(address: string, code?: number): void;
  /** The next `times` messages are refused at RCPT TO with `code` (451 "try again later" by default). */
  failNext(times: number, fault?: { code?: number; message?: string }): void;
  /** The next `times` messages get no answer to RCPT TO: the client has to time out. */
  hangNext(times: number): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeSmtpOptions {
  user?: string;
  password?: string;
  clock?: Clock;
}

type Fault = { kind: 'fail'; code: number; message: string } | { kind: 'hang' };
type SmtpError = Error & { responseCode?: number };

/**
 * A real SMTP server (smtp-server) on 127.0.0.1: AUTH is required and only the configured
 * user/password pass (535 otherwise). Plain-text AUTH is allowed and STARTTLS is off, so tests
 * need no certificates; the STARTTLS path is only exercised against a real server.
 */
export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const user = options.user ?? 'warroom';
  const password = options.password ?? 'fake-smtp-password';
  const clock = options.clock ?? systemClock;
  let received: ReceivedMail[] = [];
  let faults: Fault[] = [];
  let rejected = new Map<string, number>();
  const parked = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      return callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      const fault = faults.shift();
      if (fault?.kind === 'hang') {
        // Never answered; released (with a 421) on reset() or close().
        const release = () => callback(smtpError(421, 'Shutting down'));
        parked.add(release);
        return;
      }
      if (fault?.kind === 'fail') return callback(smtpError(fault.code, fault.message));
      const code = rejected.get(address.address.toLowerCase());
      if (code !== undefined) return callback(smtpError(code, `No such user here: ${address.address}`));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = parseMail(raw);
        received.push({ ...envelopeOf(session), ...mail, raw, at: clock.now() });
        callback(null, 'Message queued');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  const releaseParked = () => {
    for (const release of parked) release();
    parked.clear();
  };

  return {
    host: '127.0.0.1',
    port,
    smtpUrl: (u = user, p = password) => `smtp://${encodeURIComponent(u)}:${encodeURIComponent(p)}@127.0.0.1:${port}`,
    messages: () => [...received],
    rejectRecipient: (address, code = 550) => rejected.set(address.toLowerCase(), code),
    failNext: (times, fault = {}) => {
      const code = fault.code ?? 451;
      const message = fault.message ?? (code >= 500 ? 'Requested action not taken' : 'Try again later');
      for (let i = 0; i < times; i += 1) faults.push({ kind: 'fail', code, message });
    },
    hangNext: (times) => {
      for (let i = 0; i < times; i += 1) faults.push({ kind: 'hang' });
    },
    reset: () => {
      releaseParked();
      received = [];
      faults = [];
      rejected = new Map();
    },
    close: async () => {
      releaseParked();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function envelopeOf(session: SMTPServerSession): { from: string; to: string[] } {
  const mailFrom = session.envelope.mailFrom;
  return { from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) };
}

function smtpError(code: number, message: string): SmtpError {
  const error: SmtpError = new Error(message);
  error.responseCode = code;
  return error;
}
