import { expect, type Locator, type Page } from "@playwright/test";
import type { FilePayload } from "./photos";

/** The studio page, driven the way a person does it (labels and roles). */
export class StudioPage {
  constructor(readonly page: Page) {}

  async open(projectId: string) {
    await this.page.goto(`/projects/${projectId}`);
    await expect(this.page.getByTestId("live-indicator")).toHaveText("● live");
  }

  get picker(): Locator {
    return this.page.getByLabel("Choose photos");
  }

  previews() {
    return this.page.getByTestId("photo-preview");
  }

  async addPhotos(...files: FilePayload[]) {
    await this.picker.setInputFiles(files);
  }

  async describe(fields: { name: string; prompt: string; seed?: number }) {
    await this.page.getByLabel("Avatar name").fill(fields.name);
    await this.page.getByLabel("Prompt", { exact: true }).fill(fields.prompt);
    if (fields.seed !== undefined) {
      await this.page.getByText("Advanced: seed and negative prompt").click();
      await this.page.getByLabel("Seed").fill(String(fields.seed));
    }
  }

  async chooseTier(tier: "Basic" | "Pro" | "Enterprise") {
    await this.page.getByRole("radio", { name: new RegExp(`^${tier}`) }).check();
  }

  submitButton(): Locator {
    return this.page.getByRole("button", { name: /^Generate (avatar\b|\d+ avatars)/ });
  }

  async submit() {
    await this.submitButton().click();
  }

  /** The generation card with this name (newest first). */
  generation(name: string): Locator {
    return this.page.getByTestId("generation").filter({ hasText: name }).first();
  }

  async waitDone(name: string, timeout = 30_000) {
    await expect(this.generation(name)).toHaveAttribute("data-stage", "succeeded", { timeout });
  }

  balance(): Locator {
    return this.page.getByTestId("credit-balance");
  }

  tiles(): Locator {
    return this.page.getByTestId("avatar-tile");
  }
}
