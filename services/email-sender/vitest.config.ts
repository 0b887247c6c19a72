import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// Integration tests wait on a real worker and SMTP server: allow for a busy 2-core CI machine.
export default mergeConfig(
  shared,
  defineProject({ test: { name: 'email-sender', testTimeout: 20_000, hookTimeout: 30_000 } }),
);
