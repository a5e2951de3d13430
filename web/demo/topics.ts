/**
 * The posts that have landed, in the order of the site's navigation. Adding a topic: a page
 * `web/demo/<id>.html` (+ `pages/<id>.ts`) and one entry here; the home page's list and every
 * page's navigation are built from this table.
 */
export interface Topic {
  /** Page file name without `.html`, also the anchor of the section on it. */
  id: string;
  /** kexue.fm archive number of the post. */
  archive: number;
  en: string;
  zh: string;
  /** Short name for the navigation bar. */
  shortEn: string;
  shortZh: string;
}

export const TOPICS: Topic[] = [
  {
    id: 'gaussian',
    archive: 8512,
    en: 'KL divergence, Bhattacharyya distance and W distance between two multivariate normals',
    zh: '两个多元正态分布的 KL 散度、巴氏距离和 W 距离',
    shortEn: 'Gaussians',
    shortZh: '高斯距离',
  },
];
