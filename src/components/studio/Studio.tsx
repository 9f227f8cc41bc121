"use client";

import { useEffect, useState } from "react";
import type { Tier } from "~/server/tiers";
import { api } from "~/trpc/react";
import { Gallery } from "../gallery/Gallery";
import { GenerationList } from "../generations/GenerationList";
import { useLiveGenerations } from "../generations/useLiveGenerations";
import { Alert } from "../ui/Alert";
import { NEEDS_JAVASCRIPT_ACTION, NeedsJavaScript } from "../ui/NeedsJavaScript";
import { useHydrated } from "../ui/useHydrated";
import { BATCH_MAX, batchSize, chosenStyles, initialValues, type PromptValues } from "./form";
import { PhotoPicker } from "./PhotoPicker";
import { PromptFields } from "./PromptFields";
import { StylePicker } from "./StylePicker";
import { SubmitBar } from "./SubmitBar";
import { TierPicker } from "./TierPicker";
import { useDownscale } from "./useDownscale";
import { usePhotoSelection } from "./usePhotoSelection";
import { useStudioActions } from "./useStudioActions";

/** The project page: photos, prompt, tier → live generations → gallery. */
export function Studio({ projectId }: { projectId: string }) {
  const hydrated = useHydrated();
  const selection = usePhotoSelection();
  const downscale = useDownscale(selection.photos);
  const live = useLiveGenerations(projectId);
  const actions = useStudioActions({ projectId, selection, live, uploads: downscale.uploads });
  const models = api.models.list.useQuery();
  const balance = api.credits.balance.useQuery();
  const [values, setValues] = useState<PromptValues>(initialValues);
  const [tier, setTier] = useState<Tier | null>(null);
  const [strengthTouched, setStrengthTouched] = useState(false);

  // Default: the best tier the plan allows (what the server would pick), with its strength.
  useEffect(() => {
    if (tier || !models.data) return;
    const best = models.data.tiers.filter((t) => t.available).at(-1);
    if (best) setTier(best.tier);
  }, [models.data, tier]);
  const chosen = models.data?.tiers.find((t) => t.tier === tier) ?? null;
  useEffect(() => {
    if (!strengthTouched && chosen?.styleStrength) setValues((v) => ({ ...v, styleStrength: chosen.styleStrength! }));
  }, [chosen?.styleStrength, strengthTouched]);

  // A batch costs the tier's price once per avatar (the server charges them together).
  const count = batchSize(values);
  const cost = chosen ? chosen.creditCost * count : null;
  const credits = balance.data?.balance ?? null;
  const blocked = !hydrated || !models.data || credits === null
    ? "Loading your plan and balance…"
    : !chosen
      ? "Choose a tier."
      : chosenStyles(values).length === 0
        ? "Choose at least one style."
        : count > BATCH_MAX
          ? `At most ${BATCH_MAX} avatars per submission: ${chosenStyles(values).length} styles × ${values.variations} variations would make ${count}.`
          : credits < cost!
            ? `Not enough credits: this costs ${cost} credits and your balance is ${credits}.`
            : null;

  const patch = (p: Partial<PromptValues>) => {
    setValues((v) => ({ ...v, ...p }));
    actions.setFieldErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(p)) delete next[k as keyof PromptValues];
      return next;
    });
  };

  return (
    <div className="space-y-10">
      <div className="grid gap-8 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <form
          method="post"
          encType="multipart/form-data"
          action={NEEDS_JAVASCRIPT_ACTION}
          noValidate
          aria-label="New avatar"
          className="space-y-6"
          onSubmit={(e) => {
            e.preventDefault();
            if (tier && !blocked) void actions.submit(values, tier);
          }}
        >
          <NeedsJavaScript what="The studio" />
          <PhotoPicker selection={selection} disabled={actions.pending} saving={downscale.saving} />
          <section aria-labelledby="describe-title" className="space-y-4">
            <h2 id="describe-title" className="text-lg font-semibold">
              Describe your avatar
            </h2>
            <PromptFields values={values} errors={actions.fieldErrors} onChange={patch} />
            <StylePicker
              style={values.style}
              several={values.severalStyles}
              styles={values.styles}
              variations={values.variations}
              onSeveral={(severalStyles) => patch({ severalStyles, styles: severalStyles ? [values.style] : values.styles })}
              onStyles={(styles) => patch({ styles })}
              onVariations={(variations) => patch({ variations })}
              notes={values.styleNotes}
              strength={values.styleStrength}
              error={actions.fieldErrors.style ?? actions.fieldErrors.variations ?? actions.fieldErrors.styleStrength}
              notesError={actions.fieldErrors.styleNotes}
              onStyle={(style) => patch({ style })}
              onNotes={(styleNotes) => patch({ styleNotes })}
              onStrength={(styleStrength) => {
                setStrengthTouched(true);
                patch({ styleStrength });
              }}
            />
          </section>
          {models.data ? (
            <TierPicker models={models.data} selected={tier} onSelect={setTier} error={actions.fieldErrors.tier} />
          ) : (
            <p className="text-sm text-slate-500">Loading tiers…</p>
          )}
          <div aria-live="polite" className="space-y-2">
            {actions.formError ? <Alert>{actions.formError}</Alert> : null}
            {actions.notice ? <Alert tone="success">{actions.notice}</Alert> : null}
          </div>
          <SubmitBar
            cost={cost}
            count={count}
            balance={credits}
            blocked={blocked}
            pending={actions.pending}
            progress={actions.progress}
            photoCount={selection.photos.length}
          />
        </form>
        <GenerationList live={live} onTryAgain={(g) => void actions.again(g.id)} />
      </div>
      <Gallery
        projectId={projectId}
        generateAgain={{ photoCount: selection.photos.length, balance: credits, pending: actions.pending, run: actions.again }}
      />
    </div>
  );
}
