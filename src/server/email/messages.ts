import type { Mail } from "./mailer";

/** The mails the app sends: plain words, the link on a line of its own, and the same as simple HTML. */

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function mail(to: string, subject: string, lines: string[], link: string, action: string): Mail {
  const text = [...lines, "", link, "", "— Avatar Studio"].join("\n");
  const html = `<p>${lines.map(escape).join("</p><p>")}</p><p><a href="${escape(link)}">${escape(action)}</a></p><p>— Avatar Studio</p>`;
  return { to, subject, text, html, link };
}

export function resetPasswordMail(to: string, link: string): Mail {
  return mail(
    to,
    "Reset your Avatar Studio password",
    [
      "Someone (we hope you) asked to reset the password of your Avatar Studio account.",
      "The link below works once, for an hour. Choosing a new password signs you out everywhere.",
      "If it wasn't you, ignore this mail: your password stays as it is.",
    ],
    link,
    "Choose a new password",
  );
}

export function verifyEmailMail(to: string, link: string): Mail {
  return mail(
    to,
    "Verify your email address for Avatar Studio",
    ["Please confirm this is your email address: open the link below.", "Until then you can look around, but not buy credits or make avatars."],
    link,
    "Verify my email address",
  );
}
