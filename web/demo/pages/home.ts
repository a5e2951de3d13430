/** The home page: introduction, the list of posts (built by site.ts) and the three ways to use mathlens. */
import '../site.js';
