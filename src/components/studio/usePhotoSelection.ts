"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { intakeFiles, photoIndexOfMessage, type SelectedPhoto } from "./photos";
import { canDownscale } from "./downscale";

let counter = 0;

/**
 * The photos chosen in the studio, kept in the page's memory only (never stored by us after a
 * run): "generate again" re-sends them. Object URLs are revoked when a photo leaves.
 */
export function usePhotoSelection() {
  const [photos, setPhotos] = useState<SelectedPhoto[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const current = useRef(photos);
  current.current = photos;

  useEffect(() => () => current.current.forEach((p) => URL.revokeObjectURL(p.previewUrl)), []);

  const add = useCallback((files: readonly File[]) => {
    const { take, problems: found } = intakeFiles(files, current.current.length, { canShrink: canDownscale() });
    setProblems(found);
    setNotes([]);
    if (take.length === 0) return;
    const added = take.map((file) => ({ key: `p${++counter}`, file, previewUrl: URL.createObjectURL(file), error: null, warnings: [] }));
    setPhotos((prev) => [...prev.map((p) => ({ ...p, warnings: [] })), ...added]);
  }, []);

  const remove = useCallback((key: string) => {
    setPhotos((prev) => {
      const gone = prev.find((p) => p.key === key);
      if (gone) URL.revokeObjectURL(gone.previewUrl);
      return prev.filter((p) => p.key !== key);
    });
    setProblems([]);
    setNotes([]);
  }, []);

  /** A server refusal: on the photo it names (photo field index), else on the picker. */
  const setServerError = useCallback((index: number | null, message: string) => {
    if (index === null || index >= current.current.length) {
      setProblems([message]);
      return;
    }
    setPhotos((prev) => prev.map((p, i) => ({ ...p, error: i === index ? message : p.error })));
  }, []);

  /** Warnings from an accepted request: each on the photo it names, the rest on the picker. */
  const setWarnings = useCallback((warnings: readonly string[]) => {
    const general: string[] = [];
    const byIndex = new Map<number, string[]>();
    for (const w of warnings) {
      const index = photoIndexOfMessage(w);
      if (index === null || index >= current.current.length) general.push(w);
      else byIndex.set(index, [...(byIndex.get(index) ?? []), w]);
    }
    setPhotos((prev) => prev.map((p, i) => ({ ...p, error: null, warnings: byIndex.get(i) ?? [] })));
    setNotes(general);
  }, []);

  const clearIssues = useCallback(() => {
    setProblems([]);
    setNotes([]);
    setPhotos((prev) => prev.map((p) => ({ ...p, error: null, warnings: [] })));
  }, []);

  return { photos, problems, notes, add, remove, setServerError, setWarnings, setProblems, clearIssues };
}

export type PhotoSelection = ReturnType<typeof usePhotoSelection>;
