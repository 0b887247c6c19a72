// V8 heap settings every service runs with: in the image (NODE_OPTIONS in infra/docker/Dockerfile,
// which a test holds equal to this), `npm start`, the tests and the benchmarks.
//
// Without them a service under load let its heap grow to 100-130 MB of mostly garbage before a
// major GC (V8 sizes the heap by what the machine has, not by what the service needs): peak RSS
// 180-245 MB in the end-to-end benchmark. A 128 MB old space, about 2.5x the largest live set
// measured (attribution-service at 64 requests in flight), and 8 MB semi-spaces keep every
// service under 140 MB there at the same CPU per message; 64 MB made the collector thrash.
// docs/benchmarks.md ("Memory") has the runs; docs/operations.md says how to change them.
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=128'];
