"use client";

import { useId, useState, type DragEvent } from "react";
import { Alert } from "../ui/Alert";
import { ACCEPT, MAX_PHOTOS } from "./photos";
import type { PhotoSelection } from "./usePhotoSelection";

/** Drag and drop or browse, 1–4 photos, previews with remove buttons, problems on the photo they concern. */
export function PhotoPicker({ selection, disabled, saving }: { selection: PhotoSelection; disabled?: boolean; saving?: string | null }) {
  const { photos, problems, notes } = selection;
  const inputId = useId();
  const hintId = useId();
  const [dragging, setDragging] = useState(false);
  const full = photos.length >= MAX_PHOTOS;

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (!disabled) selection.add(Array.from(e.dataTransfer.files));
  }

  return (
    <section aria-labelledby={`${inputId}-title`} className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${inputId}-title`} className="text-lg font-semibold">
          Your photos
        </h2>
        <span className="text-sm text-slate-500" data-testid="photo-count">
          {photos.length} of {MAX_PHOTOS}
        </span>
      </div>
      <div
        data-testid="photo-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`rounded-lg border-2 border-dashed p-4 text-center transition ${dragging ? "border-brand-500 bg-brand-50" : "border-slate-300 bg-white"}`}
      >
        <p className="text-sm text-slate-700">
          {full ? "That's the maximum of 4 photos. Remove one to add another." : "Drag photos here, or"}
        </p>
        <input
          id={inputId}
          type="file"
          accept={ACCEPT}
          multiple
          disabled={disabled || full}
          aria-describedby={hintId}
          className="peer sr-only"
          onChange={(e) => {
            selection.add(Array.from(e.target.files ?? []));
            e.target.value = ""; // choosing the same file again still fires change
          }}
        />
        <label
          htmlFor={inputId}
          className={`mt-2 inline-flex items-center rounded-md bg-white px-4 py-2 text-sm font-medium text-slate-800 ring-1 ring-slate-300 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600 ${disabled || full ? "cursor-not-allowed opacity-50" : "cursor-pointer hover:bg-slate-50"}`}
        >
          Choose photos
        </label>
        <p id={hintId} className="mt-2 text-xs text-slate-500">
          JPEG or PNG, up to 10 MB each, 1–4 photos. 2–3 photos from varied angles, with your face clearly
          visible, work best.
        </p>
        <p className="mt-1 text-xs text-slate-500">
          Your browser shrinks each photo to 2048 px before upload, which also drops its camera data (such as
          the GPS location); we remove any left on our side, and delete the photos once your avatar is made.
        </p>
      </div>

      <div aria-live="polite" className="space-y-2">
        {problems.map((p) => (
          <Alert key={p}>{p}</Alert>
        ))}
        {notes.map((n) => (
          <Alert key={n} tone="info">
            {n}
          </Alert>
        ))}
      </div>

      {photos.length > 0 ? (
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Chosen photos">
          {photos.map((p, i) => (
            <li key={p.key} data-testid="photo-preview" className={`space-y-1 rounded-md bg-white p-1 ring-1 ${p.error ? "ring-red-400" : "ring-slate-200"}`}>
              <div className="relative">
                {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
                <img src={p.previewUrl} alt={`Photo ${i + 1}: ${p.file.name}`} className="aspect-square w-full rounded object-cover" />
                <button
                  type="button"
                  disabled={disabled}
                  onClick={() => selection.remove(p.key)}
                  aria-label={`Remove photo ${i + 1} (${p.file.name})`}
                  className="absolute right-1 top-1 rounded-full bg-white/90 px-2 py-0.5 text-sm font-bold text-slate-800 shadow hover:bg-white focus-visible:outline-2 focus-visible:outline-brand-600"
                >
                  ✕
                </button>
              </div>
              <p className="truncate px-1 text-xs text-slate-600" title={p.file.name}>
                {i + 1}. {p.file.name}
              </p>
              {p.error ? (
                <p role="alert" className="px-1 text-xs text-red-700">
                  {p.error}
                </p>
              ) : null}
              {p.warnings.map((w) => (
                <p key={w} className="px-1 text-xs text-amber-800" data-testid="photo-warning">
                  ⚠ {w}
                </p>
              ))}
            </li>
          ))}
        </ul>
      ) : null}
      {saving ? (
        <p className="text-xs text-slate-600" data-testid="upload-saving">
          {saving}
        </p>
      ) : null}
    </section>
  );
}
