/**
 * Languages and string tables of the widgets. Every widget speaks English and Chinese; the language
 * is its own `lang` attribute or, failing that, the nearest ancestor's (across shadow roots).
 * @module
 */

/** A widget's language: English or (simplified) Chinese; any `zh-*` tag resolves to 'zh'. */
export type Lang = 'en' | 'zh';

/** `zh`, `zh-CN`, `zh-Hans-CN`, … → 'zh'; any other non-empty tag → 'en'; empty or missing → null. */
export function normalizeLang(tag: string | null | undefined): Lang | null {
  const t = (tag ?? '').trim().toLowerCase();
  if (!t) return null;
  return t === 'zh' || t.startsWith('zh-') ? 'zh' : 'en';
}

/** The language of `el`: its own `lang`, else the nearest ancestor's, crossing shadow boundaries. */
export function resolveLang(el: Element): Lang {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element) {
      const lang = normalizeLang(node.getAttribute('lang'));
      if (lang) return lang;
    }
    const parent: Node | null = node.parentNode;
    node = parent instanceof ShadowRoot ? parent.host : parent;
  }
  return 'en';
}

/** A string table: the same keys in every language (checked by the type). */
export type Strings<T extends Record<string, string>> = { en: T; zh: { [K in keyof T]: string } };

export function defineStrings<T extends Record<string, string>>(table: Strings<T>): Strings<T> {
  return table;
}

/** Fills `{name}` placeholders: fill('{n} samples', { n: 20000 }). Plain text in, plain text out. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** Strings shared by every widget. */
export const common = defineStrings({
  en: {
    loading: 'Loading…',
    errorTitle: 'This widget cannot show the given input',
    loadFailed: 'The mathlens WebAssembly module could not be loaded: {reason}',
    attribute: 'Attribute {name}="{value}": {reason}',
    property: 'Property {name}: {reason}',
    notANumber: '“{token}” is not a number',
    empty: 'it is empty',
    vectorLength: 'expected {n} numbers, such as “{example}”, but got {got}',
    matrixRows: 'expected {n} rows separated by “;”, such as “{example}”, but got {got}',
    matrixCols: 'row {row} has {got} entries, expected {n}',
    integerRange: 'expected a whole number from {min} to {max}',
  },
  zh: {
    loading: '加载中…',
    errorTitle: '无法按给定的输入显示此组件',
    loadFailed: '无法加载 mathlens 的 WebAssembly 模块：{reason}',
    attribute: '属性 {name}="{value}" 有误：{reason}',
    property: '属性（property）{name} 有误：{reason}',
    notANumber: '“{token}”不是数字',
    empty: '内容为空',
    vectorLength: '应为 {n} 个数，例如“{example}”，实际为 {got} 个',
    matrixRows: '应为 {n} 行、以“;”分隔，例如“{example}”，实际为 {got} 行',
    matrixCols: '第 {row} 行有 {got} 个数，应为 {n} 个',
    integerRange: '应为 {min} 到 {max} 之间的整数',
  },
});
