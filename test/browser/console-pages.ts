/** Console pages for browser tests: one fresh context per page (Vietnamese, Vietnam's clock), uncaught page errors collected. */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { TestGateway } from '../support/gateway';

/** The pages a suite opened, and what went wrong in them. */
export interface ConsolePages {
  contexts: BrowserContext[];
  /** Uncaught errors of every page opened (a suite expects none after each test). */
  pageErrors: string[];
  /** A blank page in a new context; `options` add to or override the defaults. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Closes every context opened. */
  closeAll(): Promise<void>;
}

/** Pages of the browser `browser()` returns (called when a page is opened: suites launch it in `beforeAll`). */
export function consolePages(browser: () => Browser): ConsolePages {
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    contexts,
    pageErrors,
    async newPage(options = {}) {
      const ctx = await browser().newContext({
        viewport: { width: 1366, height: 768 },
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        ...options,
      });
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      return page;
    },
    async closeAll() {
      for (const c of contexts) await c.close().catch(() => undefined);
    },
  };
}

/**
 * The end of a browser suite (call it in its `describe`): no uncaught page error after each test;
 * after all, the pages, the browser and the gateway with its fake citizen app closed.
 */
export function closeAfterSuite(pages: ConsolePages, opened: () => { browser?: Browser; gateway?: TestGateway }): void {
  afterEach(() => {
    expect(pages.pageErrors).toEqual([]);
  });
  afterAll(async () => {
    const { browser, gateway } = opened();
    await pages.closeAll();
    await browser?.close();
    await gateway?.stop();
    await gateway?.citizenApp.stop();
  });
}

/**
 * Signs in on the console's login screen at `baseUrl`; `beforeSubmit` runs once the form is filled
 * (a screenshot). Resolves when the console frame, or the next sign-in step, is shown.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  beforeSubmit?: () => Promise<unknown>,
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await beforeSubmit?.();
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('.shell, .auth-h1').first().waitFor();
}
