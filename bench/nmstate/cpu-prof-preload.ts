// Preloaded into virtnet serve and the node agents (`NODE_OPTIONS=--import=…`; node refuses --cpu-prof in
// NODE_OPTIONS) when the rollout benchmark profiles them. SIGUSR2 starts the V8 profiler; the next SIGUSR2
// stops it and writes VN_CPU_PROF_DIR/vn-prof.<pid>.<n>.cpuprofile, so only the window the benchmark wants
// (one rollout) is profiled, not start-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env['VN_CPU_PROF_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  let on = false;
  let n = 0;
  process.on('SIGUSR2', () => {
    if (!on) {
      on = true;
      session.post('Profiler.start');
      return;
    }
    on = false;
    const file = join(dir, `vn-prof.${process.pid}.${++n}.cpuprofile`);
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(file, JSON.stringify(res.profile));
    });
  });
}
