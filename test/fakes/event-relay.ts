import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, type Route } from "./http";

/**
 * The network between the app and its Inngest (here the local executor), with a fault a test can
 * switch on: events of a given name are answered as Inngest answers them (200, `{ids, status}`)
 * and then lost, never reaching the executor. Everything else passes through unchanged. The app
 * reaches it through the SDK's own INNGEST_EVENT_API_BASE_URL (events only: sync and checkpoints
 * still go straight to INNGEST_DEV). Under `prefix`:
 *   POST /e/:key             an event batch, forwarded to `<executor>/e/:key` unless dropped
 *   POST /__relay/drop       {name, count}: lose the next `count` events named `name`
 *   GET  /__relay/dropped    the events lost so far
 *   POST /__relay/reset      nothing is lost any more, and the list is cleared
 */
export interface EventRelay {
  route: Route;
  drop(name: string, count?: number): void;
  dropped: Array<{ id?: string; name: string; data?: unknown }>;
  reset(): void;
}

type IncomingEvent = { id?: string; name: string; data?: unknown };

export function createEventRelay(options: { executorUrl: string; prefix: string }): EventRelay {
  const toDrop = new Map<string, number>();
  const dropped: EventRelay["dropped"] = [];
  const drop = (name: string, count = 1) => void toDrop.set(name, (toDrop.get(name) ?? 0) + count);
  const reset = () => {
    toDrop.clear();
    dropped.length = 0;
  };

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith(`${options.prefix}/`)) return false;
    const rest = path.slice(options.prefix.length);
    if (req.method === "POST" && rest === "/__relay/drop") {
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { name?: string; count?: number };
      if (!body.name) return sendJson(res, 400, { error: "name required" });
      drop(body.name, body.count ?? 1);
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === "GET" && rest === "/__relay/dropped") return sendJson(res, 200, dropped);
    if (req.method === "POST" && rest === "/__relay/reset") {
      reset();
      return sendJson(res, 200, { ok: true });
    }
    const key = /^\/e\/([^/]+)$/.exec(rest)?.[1];
    if (req.method !== "POST" || !key) return sendJson(res, 404, { error: `No route for ${req.method} ${path}` });

    const parsed = JSON.parse((await readBody(req)).toString("utf8")) as IncomingEvent | IncomingEvent[];
    const events = Array.isArray(parsed) ? parsed : [parsed];
    const lost = new Set(
      events.filter((e) => {
        const left = toDrop.get(e.name) ?? 0;
        if (left <= 0) return false;
        toDrop.set(e.name, left - 1);
        return true;
      }),
    );
    dropped.push(...[...lost].map((e) => ({ id: e.id, name: e.name, data: e.data })));
    const kept = events.filter((e) => !lost.has(e));
    const ids: string[] = [];
    if (kept.length > 0) {
      const seed = req.headers["x-inngest-event-id-seed"];
      const forwarded = await fetch(`${options.executorUrl}/e/${key}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(seed ? { "x-inngest-event-id-seed": String(seed) } : {}) },
        body: JSON.stringify(kept),
      });
      const answer = (await forwarded.json().catch(() => ({}))) as { ids?: string[] };
      if (!forwarded.ok) return sendJson(res, forwarded.status, answer);
      ids.push(...(answer.ids ?? []));
    }
    // Inngest's answer for accepted events: the lost ones get ids too, as if they had arrived.
    return sendJson(res, 200, { ids: events.map((e, i) => (lost.has(e) ? `lost-${Date.now()}-${i}` : ids.shift()!)), status: 200 });
  }

  return { route, drop, dropped, reset };
}
