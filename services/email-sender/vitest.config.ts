import { defineProject } from 'vitest/config';

// Integration tests wait on a real worker and SMTP server: allow for a busy 2-core CI machine.
export default defineProject({ test: { name: 'email-sender', testTimeout: 20_000, hookTimeout: 30_000 } });
