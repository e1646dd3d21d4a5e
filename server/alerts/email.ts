// Alert mail over SMTP (DRIFTWOOD_SMTP_URL) with nodemailer. One attempt per call: the caller
// (alerts/run.ts) keeps failed deliveries pending and retries them with backoff.
import nodemailer from 'nodemailer';
import type { Email } from './render.ts';

// Bounded waits: an unreachable mail server must not hold a delivery for nodemailer's default minutes.
const CONNECT_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

export interface Mailer {
  /** False when DRIFTWOOD_SMTP_URL is not set: fired alerts record "email not configured". */
  readonly configured: boolean;
  /** Sends one message; resolves with the server's answer, rejects with "cannot send mail …". */
  send(to: readonly string[], email: Email): Promise<string>;
  close(): void;
}

/** smtp://user:secret@host:587 → smtp://user:******@host:587, for messages and logs. */
export function maskSmtpUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, (_m, user: string, pass: string) => `//${user}:${'*'.repeat(pass.length)}@`);
}

export function createMailer(opts: { smtpUrl?: string; from: string }): Mailer {
  const { smtpUrl } = opts;
  if (!smtpUrl) {
    return {
      configured: false,
      send: () => Promise.reject(new Error('email not configured: set DRIFTWOOD_SMTP_URL')),
      close() {},
    };
  }
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const where = maskSmtpUrl(smtpUrl);
  return {
    configured: true,
    async send(to, email) {
      try {
        const info = (await transport.sendMail({ from: opts.from, to: [...to], subject: email.subject, text: email.text, html: email.html })) as { response?: string };
        return info.response ?? 'sent';
      } catch (e) {
        throw new Error(`cannot send mail to ${to.join(', ')} via ${where}: ${(e as Error).message}`);
      }
    },
    close: () => transport.close(),
  };
}
