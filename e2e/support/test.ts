import { test as base, expect, type Page } from "@playwright/test";

/**
 * Playwright's `test`, with one guard on every page a test opens in its own context: any
 * Content-Security-Policy violation the browser reports (Chromium logs each one to the console)
 * fails the test. The CSP (src/server/http)
 * must never block what the app itself does; a violation means a broken feature somewhere.
 * `cspViolations` is what the guard heard; only a test that provokes one on purpose sets
 * `allowCspViolations`.
 */
export const test = base.extend<{ allowCspViolations: boolean; cspViolations: string[] }>({
  allowCspViolations: [false, { option: true }],
  cspViolations: [
    async ({ context, allowCspViolations }, use) => {
      const violations: string[] = [];
      const watch = (page: Page) => {
        page.on("console", (message) => {
          if (/content security policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
        });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use(violations);
      if (!allowCspViolations) expect(violations, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
