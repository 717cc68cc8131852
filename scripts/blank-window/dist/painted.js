requestAnimationFrame(() => setTimeout(() => window.__TAURI_INTERNALS__.invoke('painted'), 0));
