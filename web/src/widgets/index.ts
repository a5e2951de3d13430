/**
 * Registers every mathlens custom element (importing this module defines them) and exports their
 * classes. One line per widget.
 * @module
 */
export type { Lang } from './ui/i18n.js';
export { MathLensAttention, type AttentionMethod, type AttentionView } from './attention.js';
export { MathLensFlops } from './flops.js';
export { MathLensGaussian, type Normal2, type Normal2Like } from './gaussian.js';
export { MathLensMatexp, type MatexpPanel, type MatexpWidgetResult } from './matexp.js';
export { MathLensOrthogonal } from './orthogonal.js';
export { MathLensRope, type RopeEncoding, type RopeView } from './rope.js';
export { MathLensRepetition, RepetitionWorkerClient, type ProneToken, type TextReport, type TextReportOptions } from './repetition.js';
