/** The home page: introduction and the list of posts that have landed (built by site.ts). */
import '../site.js';
