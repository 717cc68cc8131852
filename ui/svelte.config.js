import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  // Component CSS goes to a stylesheet file: the CSP forbids injected <style> elements.
  compilerOptions: { css: 'external' },
};
