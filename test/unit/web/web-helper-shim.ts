// A Node worker thread standing in for the browser's Web Worker of a kernel helper: the web entry
// (src/web/kernel-helper.ts) gets its data as its first message, as the web platform posts it.
import { workerData } from 'node:worker_threads';
import { startWebHelper, type HelperScope } from '../../../src/web/kernel-helper';

const scope: HelperScope = { onmessage: null, close: () => process.exit(0) };
startWebHelper(scope);
scope.onmessage?.({ data: workerData });
