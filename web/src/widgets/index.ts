/**
 * Registers every mathlens custom element (importing this module defines them) and exports their
 * classes. One line per widget.
 * @module
 */
export { MathLensGaussian, type Normal2, type Normal2Like } from './gaussian.js';
