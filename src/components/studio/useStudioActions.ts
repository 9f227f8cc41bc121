"use client";

import { TRPCClientError } from "@trpc/client";
import { useId, useState } from "react";
import type { AppRouter } from "~/server/api/root";
import type { Tier } from "~/server/tiers";
import { api } from "~/trpc/react";
import { uploadContext, useUploadProgress } from "~/trpc/upload-progress";
import type { useLiveGenerations } from "../generations/useLiveGenerations";
import { generationFormData, retryFormData, type FieldErrors, type PromptValues } from "./form";
import { photoIndexOfField, uploadProblem } from "./photos";
import type { PhotoSelection } from "./usePhotoSelection";

const FORM_FIELDS = new Set<string>(["name", "prompt", "personaName", "personaAge", "gender", "ageRange", "ethnicity", "style", "styleStrength", "seed", "negativePrompt", "tier", "variations"]);

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/** "name: Please name this avatar" → "Please name this avatar" (the field is shown by the input). */
const withoutField = (message: string, field: string) => (message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message);

/**
 * Submitting from the studio: the FormData call with upload progress, and "generate again"
 * (generation.retry) with the photos the page still holds. Server refusals land where they
 * belong: on a photo, on a field, or as a message for the whole form.
 */
export function useStudioActions(input: {
  projectId: string;
  selection: PhotoSelection;
  live: ReturnType<typeof useLiveGenerations>;
  /** The files to send for the chosen photos (shrunk in the browser: useDownscale.ts). */
  uploads: (photos: PhotoSelection["photos"]) => Promise<File[]>;
}) {
  const { projectId, selection, live, uploads } = input;
  const utils = api.useUtils();
  const uploadId = useId();
  const progress = useUploadProgress(uploadId);
  const options = { trpc: { context: uploadContext(uploadId) } };
  const generate = api.avatar.generateWithPhotoMaker.useMutation(options);
  const retry = api.generation.retry.useMutation(options);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Waiting for photos still being shrunk counts as pending: a second click sends nothing twice.
  const [preparing, setPreparing] = useState(false);
  /** The files to send, or null when one is still over the limit (its photo says so). */
  const prepare = async (): Promise<File[] | null> => {
    setPreparing(true);
    try {
      const files = await uploads(selection.photos);
      const tooBig = files.flatMap((file, i) => {
        const problem = uploadProblem(i, file);
        return problem ? [{ i, problem }] : [];
      });
      for (const { i, problem } of tooBig) selection.setServerError(i, problem);
      return tooBig.length > 0 ? null : files;
    } finally {
      setPreparing(false);
    }
  };

  function showError(error: unknown) {
    if (!(error instanceof TRPCClientError)) {
      setFormError(error instanceof Error ? error.message : "Something went wrong. Please try again.");
      return;
    }
    const e = error as TRPCClientError<AppRouter>;
    const field = e.data?.field ?? null;
    const photo = photoIndexOfField(field);
    if (photo !== null) selection.setServerError(photo, e.message);
    else if (field === "photos") selection.setProblems([e.message]);
    else if (field && FORM_FIELDS.has(field)) setFieldErrors({ [field]: withoutField(e.message, field) });
    else setFormError(e.message);
  }

  function started(result: { generation: Parameters<typeof live.add>[0]; generations?: Array<Parameters<typeof live.add>[0]>; warnings: string[] }) {
    selection.setWarnings(result.warnings);
    const all = result.generations ?? [result.generation];
    for (const g of all) live.add(g);
    const credits = all.reduce((sum, g) => sum + g.creditCost, 0);
    const what = all.length > 1 ? `${all.length} avatars of "${result.generation.name}"` : `"${result.generation.name}"`;
    setNotice(`${what} started: ${credits} credits charged. Follow ${all.length > 1 ? "them" : "it"} under Generations.`);
    void utils.credits.balance.invalidate();
    void utils.credits.history.invalidate();
  }

  function reset() {
    setFieldErrors({});
    setFormError(null);
    setNotice(null);
    selection.clearIssues();
  }

  async function submit(values: PromptValues, tier: Tier): Promise<boolean> {
    reset();
    const errors: FieldErrors = {};
    if (!values.name.trim()) errors.name = "Please name this avatar";
    if (!values.prompt.trim()) errors.prompt = "Please describe the avatar";
    if (selection.photos.length === 0) selection.setProblems(["Please upload at least one photo"]);
    setFieldErrors(errors);
    if (selection.photos.length === 0 || Object.keys(errors).length > 0) return false;
    try {
      const photos = await prepare();
      if (!photos) return false;
      const form = generationFormData({ projectId, values, tier, photos, idempotencyKey: newKey() });
      started(await generate.mutateAsync(form));
      return true;
    } catch (error) {
      showError(error);
      return false;
    }
  }

  async function again(generationId: string): Promise<boolean> {
    reset();
    if (selection.photos.length === 0) {
      selection.setProblems(["Add your photos again to generate this once more: we don't keep photos after a run."]);
      return false;
    }
    try {
      const photos = await prepare();
      if (!photos) return false;
      started(await retry.mutateAsync(retryFormData(generationId, photos, newKey())));
      return true;
    } catch (error) {
      showError(error);
      return false;
    }
  }

  return {
    submit,
    again,
    pending: preparing || generate.isPending || retry.isPending,
    progress,
    fieldErrors,
    setFieldErrors,
    formError,
    notice,
  };
}
