// Demo-site features of issue 7: shareable links that restore a widget's state (URL hash), and a
// page that works offline once it has been loaded (service worker).
import { assert } from './lib/check.mjs';
import { registeredTopics } from './lib/site-pages.mjs';

const klShown = (page, id) =>
  page.evaluate((sel) => document.querySelector(sel)?.shadowRoot?.querySelector('.row[data-key="klPQ"] .value')?.textContent ?? null, `#${id}`);

async function waitValue(page, id) {
  await page.waitForFunction((sel) => !!document.querySelector(sel)?.shadowRoot?.querySelector('.row[data-key="klPQ"] .value')?.textContent, `#${id}`);
  return klShown(page, id);
}

export const checks = [
  {
    name: 'a changed widget writes its state into the URL hash, and the link restores it',
    async run({ page, context, baseUrl }) {
      await page.goto(`${baseUrl}gaussian.html?lang=en`);
      const before = await waitValue(page, 'gaussian-widget');
      await page.evaluate(() => {
        document.querySelector('#gaussian-widget').p = { mean: [0.5, -1], cov: [[1.5, 0.3], [0.3, 0.8]] };
      });
      await page.waitForFunction(() => location.hash.includes('gaussian-widget.p-mean='));
      const changed = await klShown(page, 'gaussian-widget');
      assert(changed !== before, `KL did not change (${before})`);
      const url = await page.evaluate(() => location.href);
      assert(url.includes('gaussian-widget.p-cov=1.5+0.3%3B+0.3+0.8'), `hash ${url.split('#')[1]}`);
      const other = await context.newPage();
      try {
        await other.goto(url);
        await other.waitForFunction(
          (want) => document.querySelector('#gaussian-widget')?.shadowRoot?.querySelector('.row[data-key="klPQ"] .value')?.textContent === want,
          changed,
        );
      } finally {
        await other.close();
      }
      // A hostile hash is parsed like any attribute: an inline error, nothing injected.
      await page.goto(`${baseUrl}gaussian.html#gaussian-widget.p-mean=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E`);
      await page.waitForFunction(() => !document.querySelector('#gaussian-widget')?.shadowRoot?.querySelector('[role="alert"]')?.hidden);
      const injected = await page.evaluate(() => !!document.querySelector('#gaussian-widget').shadowRoot.querySelector('img'));
      assert(!injected, 'an <img> from the hash ended up in the widget');
      return `KL ${before} → ${changed}, restored from ${url.length} characters of link`;
    },
  },
  {
    name: 'once loaded, a page works offline (service worker)',
    async run({ page, context, baseUrl }) {
      await page.goto(`${baseUrl}gaussian.html?lang=en`);
      await waitValue(page, 'gaussian-widget');
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 15000 });
      await page.waitForTimeout(3500); // the page re-sends its late resources to the worker after 3 s
      await context.setOffline(true);
      try {
        await page.reload();
        const v = await waitValue(page, 'gaussian-widget');
        assert(v === '1.60283', `offline KL ${v}`);
        const fonts = await page.evaluate(() => document.fonts.check('16px KaTeX_Main'));
        return `offline reload computes KL = ${v}; KaTeX font available: ${fonts}`;
      } finally {
        await context.setOffline(false);
      }
    },
  },
  {
    name: 'the header lists every post in sight, at desktop and phone widths, in both languages',
    async run({ page, baseUrl }) {
      const topics = registeredTopics();
      const seen = [];
      try {
        for (const [width, height] of [[1280, 900], [1024, 768], [360, 780]])
          for (const lang of ['en', 'zh']) {
            await page.setViewportSize({ width, height });
            await page.goto(`${baseUrl}rope.html?lang=${lang}`);
            await page.waitForFunction((n) => document.querySelectorAll('#topic-nav a').length === n, topics.length);
            const r = await page.evaluate(() => {
              const visible = (el) => {
                const b = el.getBoundingClientRect();
                const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                return b.width > 0 && b.left >= 0 && b.right <= innerWidth && !!hit && el.contains(hit);
              };
              const links = [...document.querySelectorAll('#topic-nav a')];
              return {
                hrefs: links.map((a) => a.getAttribute('href')),
                hidden: links.filter((a) => !visible(a)).map((a) => a.innerText),
                header: document.querySelector('header.site').getBoundingClientRect().height,
                page: document.documentElement.scrollWidth,
              };
            });
            const where = `${width} px, ${lang}`;
            assert(r.hrefs.join() === topics.map((t) => `./${t}.html`).join(), `${where}: links ${r.hrefs}`);
            assert(r.hidden.length === 0, `${where}: out of sight: ${r.hidden.join(', ')}`);
            assert(r.page <= width, `${where}: the page is ${r.page} px wide`);
            seen.push(`${width}/${lang}: header ${Math.round(r.header)} px`);
          }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
      return `${topics.length} posts in sight; ${seen.join(', ')}`;
    },
  },
  {
    name: 'the home page shows the three ways in (code, blog post, terminal); their links work and the snippets fit',
    async run({ page, baseUrl }) {
      const seen = [];
      try {
        for (const [width, height] of [[1280, 900], [360, 780]]) {
          await page.setViewportSize({ width, height });
          await page.goto(`${baseUrl}index.html?lang=en`);
          const r = await page.evaluate(() => ({
            cards: [...document.querySelectorAll('.use-card h3')].map((h) => h.innerText),
            clipped: [...document.querySelectorAll('.use-card pre')].filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.innerText.split('\n')[0]),
            links: [...document.querySelectorAll('.use-card a')].map((a) => a.href),
            page: document.documentElement.scrollWidth,
          }));
          assert(r.cards.join() === 'In your code,In a blog post,In a terminal', `cards ${r.cards}`);
          assert(r.clipped.length === 0, `${width} px: snippets scroll sideways: ${r.clipped.join(' | ')}`);
          assert(r.page <= width, `${width} px: the page is ${r.page} px wide`);
          for (const href of r.links) {
            const res = await page.request.get(href);
            assert(res.ok(), `${href}: HTTP ${res.status()}`);
          }
          seen.push(`${width} px: ${r.links.length} links ok`);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
      return seen.join('; ');
    },
  },
];
