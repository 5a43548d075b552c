// `make guest-image`: builds the built-in guest image if its inputs changed, printing progress.
// Usage: node dist/src/runtime/image/build-guest-image.js [--force]
import { buildGuestImage } from './guest-image-builder.js';

const started = Date.now();
try {
  const r = await buildGuestImage({ force: process.argv.includes('--force'), log: (l) => console.log(`guest image: ${l}`) });
  const m = r.manifest;
  const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
  console.log(`guest image: ${r.rebuilt ? 'built' : 'cached'} in ${((Date.now() - started) / 1000).toFixed(1)} s: `
    + `${r.paths.image} (kernel ${m.kernelVersion} ${mib(m.kernelBytes)} MiB, initrd ${mib(m.initrdBytes)} MiB, `
    + `inputs ${m.inputsHash.slice(0, 12)})`);
} catch (e) {
  console.error(`guest image: ${(e as Error).message}`);
  process.exit(1);
}
