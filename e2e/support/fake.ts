import { edgeUrl, fakeUrl } from "./env";

/** The fake Hugging Face server's control API (test/fakes/huggingface.ts), from the test process. */

type Answer = string | { kind: "rate-limit"; retryAfterSeconds?: number } | { kind: "loading"; estimatedTime?: number };
// "hold" keeps a PhotoMaker call open until release(): a generation that stays running.

async function control(path: string, body: unknown = {}) {
  const res = await fetch(`${fakeUrl}/__fake/${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  if (!res.ok) throw new Error(`fake ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<unknown>;
}

export const fakeHf = {
  reset: () => control("reset"),
  /** Answers every held ("hold") request with its image. */
  release: () => control("release"),
  enqueue: (answers: Answer[], target: "photomaker" | "flux" = "photomaker") => control("enqueue", { answers, target }),
  async photomakerRequests(): Promise<Array<{ inputs: string; parameters: Record<string, unknown>; input_id_images: string[] }>> {
    const res = await fetch(`${fakeUrl}/__fake/requests`);
    const all = (await res.json()) as Array<{ target: string; body: never }>;
    return all.filter((r) => r.target === "photomaker").map((r) => r.body);
  },
};

/** The operations server's relay to its executor (test/fakes/event-relay.ts). */
export const relay = {
  async drop(name: string, count = 1) {
    const res = await fetch(`${edgeUrl}/relay/__relay/drop`, { method: "POST", body: JSON.stringify({ name, count }), headers: { "content-type": "application/json" } });
    if (!res.ok) throw new Error(`relay drop: ${res.status}`);
  },
  async dropped(): Promise<Array<{ id?: string; name: string }>> {
    return (await (await fetch(`${edgeUrl}/relay/__relay/dropped`)).json()) as Array<{ id?: string; name: string }>;
  },
  reset: () => fetch(`${edgeUrl}/relay/__relay/reset`, { method: "POST" }),
};

/** The operations server's mailbox (a real SMTP server in the edge process). */
export const mailbox = {
  async waitFor(to: string, subject: RegExp, timeoutMs = 15_000): Promise<{ subject: string; text: string; links: string[] }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const mails = (await (await fetch(`${edgeUrl}/__mail`)).json()) as Array<{ to: string[]; subject: string; text: string; links: string[] }>;
      const found = mails.find((m) => m.to.includes(to.toLowerCase()) && subject.test(m.subject));
      if (found) return found;
      if (Date.now() > end) throw new Error(`no mail to ${to} matching ${subject}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  },
};
