import '../dist/polyfill.js';
