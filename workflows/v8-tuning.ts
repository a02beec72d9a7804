/**
 * V8 settings of the worker process, applied before any other module loads
 * (imported first by the worker's entry point).
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
