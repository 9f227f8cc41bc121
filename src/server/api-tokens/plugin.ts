import { apiKey } from "@better-auth/api-key";

/**
 * Personal API tokens are better-auth's api-key plugin: it generates the token, stores only its
 * SHA-256 hash (`apikey.key`) and verifies it. These settings are the one home of how a token
 * looks.
 */
export const TOKEN_PREFIX = "avs_";
/** The prefix plus a few characters: enough to tell tokens apart in the list, useless to an attacker. */
export const TOKEN_START_CHARS = TOKEN_PREFIX.length + 4;
export const TOKEN_NAME_MAX = 60;

export function apiTokenPlugin() {
  return apiKey({
    defaultPrefix: TOKEN_PREFIX,
    startingCharactersConfig: { shouldStore: true, charactersLength: TOKEN_START_CHARS },
    maximumNameLength: TOKEN_NAME_MAX,
    requireName: true,
    // The submit limit is ours (src/server/api-tokens/rate-limit.ts): the plugin's would also
    // count every status poll. Disabled, the plugin just stamps lastRequest ("last used").
    rateLimit: { enabled: false },
    // Tokens are for our REST route only: never turn an `x-api-key` header into a session.
    enableSessionForAPIKeys: false,
  });
}

/**
 * The plugin's own HTTP endpoints, switched off (better-auth `disabledPaths`): tokens are made,
 * listed and revoked through apiToken.* only, so our name rules and token shape always hold.
 * Server-side calls (auth.api.createApiKey, verifyApiKey) are unaffected.
 */
export const API_KEY_HTTP_PATHS = ["/api-key/create", "/api-key/get", "/api-key/update", "/api-key/delete", "/api-key/list"];
