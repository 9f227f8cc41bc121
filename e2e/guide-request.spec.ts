import { expect, test } from "./support/test";
import { signUpVia, trpcMutation, trpcQuery } from "./support/app";
import { jpeg } from "./support/photos";

/**
 * The product guide's "API Testing" request, field for field, against the running app with a real
 * token: its `style` is free text ("business professional"), and its frontend example sends
 * "professional". Both are style words on the default preset, not errors.
 */
for (const style of ["business professional", "professional"]) {
  test(`the guide's curl with style=${style}: 201, then a finished avatar`, async ({ request, baseURL }) => {
    await signUpVia(request, baseURL!);
    const { id: projectId } = await trpcMutation<{ id: string }>(request, baseURL!, "project.create", { name: "Guide" });
    const { token } = await trpcMutation<{ token: string }>(request, baseURL!, "apiToken.create", { name: "guide" });

    // curl -X POST …/generate-with-photo -H "Authorization: Bearer YOUR_TOKEN" -F "photo0=@photo1.jpg" -F "photo1=@photo2.jpg"
    //   -F "name=My Avatar" -F "prompt=professional business headshot" -F "style=…" -F "styleStrength=0.85"
    const bearer = { authorization: `Bearer ${token}` };
    const res = await request.post(`/api/avatar-creator/projects/${projectId}/avatars/generate-with-photo`, {
      headers: bearer,
      multipart: {
        photo0: await jpeg("photo1.jpg", 1),
        photo1: await jpeg("photo2.jpg", 2),
        name: "My Avatar",
        prompt: "professional business headshot",
        style,
        styleStrength: "0.85",
      },
    });
    expect(res.status(), await res.text()).toBe(201);
    const { generation, statusUrl } = (await res.json()) as { generation: { id: string }; statusUrl: string };
    await expect
      .poll(async () => ((await (await request.get(statusUrl, { headers: bearer })).json()) as { generation: { status: string } }).generation.status, {
        timeout: 45_000,
      })
      .toBe("succeeded");
    const done = await trpcQuery<{ settings: { style: string; styleNotes: string | null; styleStrength: number } }>(request, baseURL!, "generation.get", { id: generation.id });
    expect(done.settings).toEqual(expect.objectContaining({ style: "Photographic (Default)", styleNotes: style, styleStrength: 0.85 }));
  });
}
