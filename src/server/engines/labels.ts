/**
 * How people see which model made an image (studio, gallery, metrics, health). Pure, so the
 * browser's components use the same words as the server.
 *
 * Our Hugging Face endpoint runs PhotoMaker V2 (inference/photomaker-v2). Replicate's
 * `tencentarc/photomaker` is PhotoMaker V1 (predict.py of TencentARC/PhotoMaker loads
 * photomaker-v1.bin); a Replicate model is called V2 only when its name says so.
 */
export function photomakerLabel(provider: string | null | undefined, model: string | null | undefined): string {
  if (provider === "offline") return "Offline preview";
  if (provider === "replicate") return /v-?2/i.test(model ?? "") ? "PhotoMaker V2 via Replicate" : "PhotoMaker V1 via Replicate";
  return "PhotoMaker V2";
}

export function fluxLabel(provider: string | null | undefined): string {
  if (provider === "offline") return "Offline preview (FLUX stand-in)";
  return provider === "replicate" ? "FLUX via Replicate" : "FLUX";
}
