/** `npm run stack:install`: installs every part of the stack into the cache, nothing else. */
import { installStack } from './stack/install.ts';

await installStack();
