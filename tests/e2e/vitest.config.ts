import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineProject({ test: { name: 'e2e', testTimeout: 90_000, hookTimeout: 90_000 } }),
);
