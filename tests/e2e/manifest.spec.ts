import { expect, test } from './fixtures';
import { openApp, waitForServiceWorker } from './helpers';

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}

test('the web app manifest is served, complete, and its icons are real PNGs', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const response = await request.get(new URL(href!, page.url()).toString());
  expect(response.ok()).toBe(true);
  const manifest = (await response.json()) as Record<string, unknown>;
  expect(manifest.name).toEqual(expect.any(String));
  expect(manifest.short_name).toEqual(expect.any(String));
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBe('/');
  expect(manifest.scope).toBe('/');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  const icons = manifest.icons as ManifestIcon[];
  const sizes = icons.map((i) => i.sizes);
  expect(sizes).toContain('192x192');
  expect(sizes).toContain('512x512');
  expect(icons.some((i) => i.purpose?.split(' ').includes('maskable'))).toBe(true);

  for (const icon of icons) {
    const image = await request.get(new URL(icon.src, page.url()).toString());
    expect(image.ok(), icon.src).toBe(true);
    expect(image.headers()['content-type']).toContain('image/png');
    const png = await image.body();
    // The PNG's own header says its size: it must be what the manifest claims.
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    const [w, h] = icon.sizes.split('x').map(Number);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([w, h]);
  }
});

test('Chromium finds the app installable', async ({ page }) => {
  await openApp(page);
  await waitForServiceWorker(page);
  const cdp = await page.context().newCDPSession(page);
  await expect
    .poll(async () => {
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // Playwright's contexts are incognito-like, and Chromium never installs from incognito: that one
      // says nothing about the app.
      return installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito');
    })
    .toEqual([]);
});
