import sharp from "sharp";

/** A plausible portrait-sized JPEG (a gradient with a lighter oval), made on the fly. */
export async function portraitJpeg(seed = 1, width = 768, height = 1024): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${(seed * 47) % 360},45%,55%)"/><stop offset="1" stop-color="hsl(${(seed * 91) % 360},40%,30%)"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <ellipse cx="${width / 2}" cy="${height * 0.42}" rx="${width * 0.22}" ry="${height * 0.2}" fill="#e8c4a8"/>
    <circle cx="${width * 0.43}" cy="${height * 0.4}" r="${width * 0.025}" fill="#333"/>
    <circle cx="${width * 0.57}" cy="${height * 0.4}" r="${width * 0.025}" fill="#333"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

export function photoForm(fields: Record<string, string | number | undefined>, photos: Array<{ bytes: Buffer; name?: string; type?: string }>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, String(v));
  photos.forEach((p, i) => form.set(`photo${i}`, new File([new Uint8Array(p.bytes)], p.name ?? `photo${i}.jpg`, { type: p.type ?? "image/jpeg" })));
  return form;
}
