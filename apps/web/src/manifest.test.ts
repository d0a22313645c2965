// @vitest-environment node
// The web app manifest (install to the home screen; iOS allows Web Push only to an installed app):
// linked from the page, and every icon it names exists at the size it claims.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const publicFile = (name: string) => new URL(`../public/${name}`, import.meta.url);

type TManifestIcon = { src: string; sizes: string; type: string; purpose?: string };

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(png: Buffer): string {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;
}

describe("the web app manifest", () => {
  it("is linked from index.html and names an installable app", async () => {
    const html = await readFile(new URL("../index.html", import.meta.url), "utf8");
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest" />');
    const manifest = JSON.parse(await readFile(publicFile("manifest.webmanifest"), "utf8"));
    expect(manifest).toMatchObject({ name: "Handoff", start_url: "/", display: "standalone" });
    const pngSizes = (manifest.icons as TManifestIcon[])
      .filter((icon) => icon.type === "image/png")
      .map((icon) => icon.sizes);
    expect(pngSizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  });

  it("names only icons that exist, at the sizes it says", async () => {
    const manifest = JSON.parse(await readFile(publicFile("manifest.webmanifest"), "utf8"));
    for (const icon of manifest.icons as TManifestIcon[]) {
      const file = await readFile(publicFile(icon.src.replace(/^\//, "")));
      if (icon.type === "image/png") expect(pngSize(file)).toBe(icon.sizes);
      else expect(file.toString("utf8")).toContain("<svg");
    }
  });
});
