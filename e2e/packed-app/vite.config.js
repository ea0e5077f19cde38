// The adopter's whole Vite setup: a sub-path, the plugin, offline on. Nothing else Edgewise-specific.
import { edgewise } from '@edgewise/sdk/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/app/',
  plugins: [edgewise({ offline: true })],
});
