import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { CONSOLE_BASE } from './src/base.ts';

// The API serves the built files under /console/ (see services/api/src/routes/console.ts).
export default defineConfig({ base: CONSOLE_BASE, plugins: [react()] });
