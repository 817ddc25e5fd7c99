import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

/** Debian's chromium, which the browser tests drive (`.ci/run` installs it when it is missing). */
export const CHROMIUM = "/usr/bin/chromium";

/** Launches headless chromium; throws (never skips) when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install -y --no-install-recommends chromium)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM });
}

/** What a page did that a self-contained report must never do. */
export interface PageWatch {
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/**
 * Records the console errors, page errors and requests of `page`, and aborts every request that is
 * not `allowed` (so that a stray one fails fast instead of waiting on the network).
 */
export async function watchPage(page: Page, allowed: (url: string) => boolean): Promise<PageWatch> {
  const watch: PageWatch = { errors: [], requests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") watch.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => watch.errors.push(`page error: ${error.message}`));
  page.on("request", (request) => watch.requests.push(request.url()));
  await page.route("**/*", (route) =>
    allowed(route.request().url()) ? route.continue() : route.abort(),
  );
  return watch;
}
