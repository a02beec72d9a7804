/**
 * V8 settings of the worker process, applied before any other module loads
 * (imported first by the worker's entry point). Those that size the heap at
 * start cannot be set here: see worker-node-flags.ts.
 *
 * Allocation-site pretenuring off: V8 may decide, from one scavenge that
 * happens to catch a batch of parsed rows alive, that a site's objects live
 * long and allocate them straight in the old generation from then on. For a
 * loader whose objects live for one 64 KB batch that turns every batch into
 * old-generation garbage: in bench:load and in a stand-alone loader with a
 * worker-sized heap, about half the runs went that way (peak resident memory
 * 1.6-1.7x and CPU per row 1.3-1.8x the other runs); with pretenuring off,
 * none of nine did.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');

/**
 * The old generation may grow by half its live size before the next full
 * collection (V8 allowed the worker ~10 MB). The worker runs with a small
 * young generation (worker-node-flags.ts), which promotes more short-lived
 * objects; without this room every 100k-row load in bench:load ended in a
 * full collection of the whole ~100 MB heap, with it none of three did. V8
 * reads this one whenever it sets a limit, so it can be set here (Node
 * refuses it in NODE_OPTIONS).
 */
setFlagsFromString('--heap-growing-percent=50');
