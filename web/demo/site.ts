/**
 * What every page of the demo shares: the language switch (remembered, and `?lang=` in links),
 * the navigation across the posts (from topics.ts), and KaTeX for the formulas in the prose.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import './style.css';
import { TOPICS } from './topics.js';
import { enableShareableLinks } from './share.js';

export type Lang = 'en' | 'zh';
const STORAGE_KEY = 'mathlens-lang';
const listeners: Array<(lang: Lang) => void> = [];

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* storage may be unavailable */
  }
  const tag = fromUrl ?? stored ?? navigator.language ?? 'en';
  return tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export let lang: Lang = initialLang();
const titles = { en: document.title, zh: document.documentElement.dataset.titleZh ?? document.title };

function setLang(next: Lang, remember: boolean): void {
  lang = next;
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  document.title = titles[next];
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-set-lang]'))
    b.setAttribute('aria-pressed', String(b.dataset.setLang === next));
  if (remember)
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* ignore */
    }
  for (const f of listeners) f(next);
}

/** Calls `f` now and whenever the page language changes. */
export function onLang(f: (lang: Lang) => void): void {
  listeners.push(f);
  f(lang);
}

function bilingual(tag: string, en: string, zh: string): HTMLElement {
  const el = document.createElement(tag);
  const e = document.createElement('span');
  e.className = 'l-en';
  e.lang = 'en';
  e.textContent = en;
  const z = document.createElement('span');
  z.className = 'l-zh';
  z.lang = 'zh-CN';
  z.textContent = zh;
  el.append(e, z);
  return el;
}

// ---- navigation across the posts ----
const here = location.pathname.split('/').pop()?.replace(/\.html$/, '') || 'index';
const nav = document.getElementById('topic-nav');
if (nav) {
  const list = document.createElement('ul');
  for (const t of TOPICS) {
    const li = document.createElement('li');
    const a = bilingual('a', t.shortEn, t.shortZh) as HTMLAnchorElement;
    a.href = `./${t.id}.html`;
    if (t.id === here) a.setAttribute('aria-current', 'page');
    li.append(a);
    list.append(li);
  }
  nav.append(list);
}
const toc = document.getElementById('toc-list');
if (toc)
  for (const t of TOPICS) {
    const li = document.createElement('li');
    const a = bilingual('a', t.en, t.zh) as HTMLAnchorElement;
    a.href = `./${t.id}.html`;
    li.append(a);
    toc.append(li);
  }

// ---- formulas in the prose (our own TeX, typeset once) ----
for (const el of document.querySelectorAll<HTMLElement>('.tex[data-tex]'))
  katex.render(el.dataset.tex ?? '', el, {
    throwOnError: false,
    output: 'htmlAndMathml',
    displayMode: el.classList.contains('display'),
  });

for (const b of document.querySelectorAll<HTMLButtonElement>('[data-set-lang]'))
  b.addEventListener('click', () => setLang(b.dataset.setLang === 'zh' ? 'zh' : 'en', true));

setLang(lang, false);
enableShareableLinks();

// ---- offline: a service worker keeps what this page loaded (web/demo/public/sw.js) ----
if ('serviceWorker' in navigator && location.protocol !== 'file:')
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('./sw.js')
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const send = () => {
          const urls = [location.href.split('#')[0], ...performance.getEntriesByType('resource').map((e) => e.name)];
          registration.active?.postMessage({ type: 'cache-urls', urls });
        };
        send();
        setTimeout(send, 3000); // what loads late (the .wasm, fonts used by formulas)
      })
      .catch(() => {
        /* offline support is a bonus; the page works without it */
      });
  });
