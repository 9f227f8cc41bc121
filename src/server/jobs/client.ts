import { Inngest } from "inngest";

/**
 * The app's Inngest client. Where events go is decided by the environment alone: INNGEST_DEV
 * (set by the server script to the local executor) or INNGEST_EVENT_KEY/INNGEST_SIGNING_KEY for
 * Inngest cloud or a self-hosted `inngest start`.
 */
export const inngest = new Inngest({ id: "avatar-studio" });
