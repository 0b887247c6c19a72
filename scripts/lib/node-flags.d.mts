/** V8 heap flags every service runs with (see node-flags.mjs). */
export const SERVICE_NODE_FLAGS: readonly string[];
