import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRateLimiter, type RateLimiter } from "~/server/api-tokens/rate-limit";
import { handleAvatarCreatorRequest, type RestDeps } from "~/server/rest/avatar-creator";
import type { TestApp, TestUser } from "../helpers/app";
import { nodeListener } from "../helpers/node-http";

/**
 * Real Requests through the REST handler the Next.js route calls (the same function, the same
 * services as the app's), and a signed-up user with a project and a token made by apiToken.create.
 */
export const ORIGIN = "http://localhost:3000";

type Call = (path: string, init?: RequestInit & { token?: string }) => Promise<Response>;

const restDeps = (app: TestApp, limiter?: RateLimiter): RestDeps => ({
  db: app.db,
  env: app.env,
  auth: app.auth,
  jobs: app.jobs,
  limiter: limiter ?? createRateLimiter(app.db, app.env.API_RATE_LIMIT_PER_MINUTE),
});

const withToken = (init: RequestInit & { token?: string }): RequestInit => {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  return { ...rest, headers };
};

/** Requests handed straight to the handler (for bodies fetch won't send, e.g. a false Content-Length). */
export function restClient(app: TestApp, limiter?: RateLimiter): Call {
  const deps = restDeps(app, limiter);
  return async (path, init = {}) => handleAvatarCreatorRequest(new Request(new URL(path, ORIGIN), withToken(init)), deps);
}

/** The handler on a real socket, called with fetch as a script would. */
export async function restServer(app: TestApp, limiter?: RateLimiter): Promise<{ call: Call; close(): Promise<void> }> {
  const deps = restDeps(app, limiter);
  const server = createServer(nodeListener({ "/api/avatar-creator": (req) => handleAvatarCreatorRequest(req, deps) }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    call: (path, init = {}) => fetch(new URL(path, base), withToken(init)),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface ScriptUser extends TestUser {
  projectId: string;
  token: string;
}

export async function scriptUser(app: TestApp): Promise<ScriptUser> {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "From a script" });
  const { token } = await user.caller.apiToken.create({ name: "ci" });
  return { ...user, projectId: project.id, token };
}

export const generatePath = (projectId: string) => `/api/avatar-creator/projects/${projectId}/avatars/generate-with-photo`;

/** The guide's fields, as a script would send them. */
export function guideForm(photos: Buffer[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  photos.forEach((bytes, i) => form.set(`photo${i}`, new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), `me-${i}.jpg`));
  const all: Record<string, string> = {
    name: "Conference headshot",
    prompt: "wearing a navy suit, office background",
    personaName: "Ada",
    personaAge: "34",
    gender: "woman",
    ageRange: "30s",
    ethnicity: "",
    style: "Photographic (Default)",
    styleStrength: "0.8",
    seed: "42",
    ...fields,
  };
  for (const [k, v] of Object.entries(all)) form.set(k, v);
  return form;
}

export type ErrorBody = { error: { code: string; message: string; field: string | null } };
