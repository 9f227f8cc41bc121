import nodemailer from "nodemailer";
import type { Env } from "../env";
import type { Logger } from "../logger";

/**
 * Outgoing mail: nodemailer over SMTP_URL (smtp://user:pass@host:587, smtps://…:465). Without it
 * (development) nothing is sent: the mail's link is written to the server log instead, so a
 * developer can still verify an address or reset a password.
 */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The one link the mail is about: what the log shows when there is no SMTP server. */
  link: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function createMailer(e: Pick<Env, "SMTP_URL" | "EMAIL_FROM">, log: Pick<Logger, "warn">): Mailer {
  if (!e.SMTP_URL) {
    return {
      async send(mail) {
        log.warn({ to: mail.to, subject: mail.subject, link: mail.link }, "SMTP_URL is not set: this mail was not sent; follow its link from here");
      },
    };
  }
  const transport = nodemailer.createTransport(e.SMTP_URL);
  return {
    async send({ link: _link, ...mail }) {
      await transport.sendMail({ from: e.EMAIL_FROM, ...mail });
    },
  };
}
