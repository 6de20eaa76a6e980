// Every e2e test runs under the real server's Content-Security-Policy. A blocked script, worker,
// wasm compile or style shows only as a console error (the app may limp on), so each page is watched
// and the test fails on any CSP violation or uncaught page error.
import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';

const cspViolation = /Content Security Policy|Refused to (load|execute|apply|create|connect|compile|frame)/i;

export function watchPage(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && cspViolation.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
}

/** Watches the context's pages, those open now and those opened later. */
export function watchContext(context: BrowserContext, problems: string[]): void {
  for (const page of context.pages()) watchPage(page, problems);
  context.on('page', (page) => watchPage(page, problems));
}

export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ context }, use) => {
      const problems: string[] = [];
      watchContext(context, problems);
      await use(problems);
      expect(problems, 'CSP violations or uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
