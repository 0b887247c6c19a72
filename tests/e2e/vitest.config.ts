import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'e2e', testTimeout: 90_000, hookTimeout: 90_000 } });
