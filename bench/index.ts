/**
 * `npm run bench`. The benchmarks (each a ratio against a baseline measured in the same run) arrive with the
 * benchmark issue; until then this says so instead of pretending to measure.
 */
process.stdout.write('No benchmarks yet: they arrive with the operations/benchmark issue (see README).\n');
