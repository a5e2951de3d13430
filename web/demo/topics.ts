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
    id: 'flops',
    archive: 8610,
    en: 'Linear Transformer is probably not the model you are waiting for: where a layer’s time goes',
    zh: '线性 Transformer 应该不是你要等的那个模型：一层的计算量花在哪里',
    shortEn: 'Transformer cost',
    shortZh: '计算量',
  },
  {
    id: 'gaussian',
    archive: 8512,
    en: 'KL divergence, Bhattacharyya distance and W distance between two multivariate normals',
    zh: '两个多元正态分布的 KL 散度、巴氏距离和 W 距离',
    shortEn: 'Gaussians',
    shortZh: '高斯距离',
  },
  {
    id: 'orthogonal',
    archive: 8453,
    en: 'An orthogonal matrix that maps one unit vector to another',
    zh: '从一个单位向量变换到另一个单位向量的正交矩阵',
    shortEn: 'Orthogonal maps',
    shortZh: '正交变换',
  },
  {
    id: 'rope',
    archive: 8397,
    en: 'Rotary position embedding in one and two dimensions (RoPE and 2-D RoPE)',
    zh: '旋转位置编码 RoPE：从一维到二维',
    shortEn: 'RoPE',
    shortZh: 'RoPE',
  },
  {
    id: 'attention',
    archive: 8180,
    en: 'Nyströmformer: linearising attention with the Nyström method, and how good the approximations are',
    zh: 'Nyströmformer：基于矩阵分解的线性化 Attention 方案，以及近似有多准',
    shortEn: 'Nyström attention',
    shortZh: 'Nyström 注意力',
  },
  {
    id: 'repetition',
    archive: 8128,
    en: 'Why Seq2Seq decoders repeat themselves: a Markov-chain theory of repetitive decoding',
    zh: 'Seq2Seq 重复解码现象的理论分析',
    shortEn: 'Repetition',
    shortZh: '重复解码',
  },
  {
    id: 'matexp',
    archive: 6377,
    en: 'The matrix exponential: the identity det(exp A) = exp(tr A), and an explicit, always-invertible matrix exp(x yᵀ)',
    zh: '矩阵指数：恒等式 det(exp A) = exp(tr A) 赏析，以及构造一个显式的、总是可逆的矩阵 exp(x yᵀ)',
    shortEn: 'Matrix exponential',
    shortZh: '矩阵指数',
  },
];
