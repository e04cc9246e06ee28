import type { ModelSpec } from '../model/spec';
import type { Dataset } from '../engine/data/dataset';
import { nodeDataFiles } from '../node/data-files';
import { loadDatasetWith, readCsvWith, type CsvFileOptions, type LoadOptions } from './loader';

export { DataError } from '../engine/data/errors';
export { DEFAULT_MAX_BYTES } from './files';
export type { CsvFileOptions, LoadOptions } from './loader';

/** The data of a model, read from this machine's disk: see loadDatasetWith. */
export function loadDataset(spec: ModelSpec, baseDir: string | null, options: LoadOptions = {}): Promise<Dataset> {
  return loadDatasetWith(nodeDataFiles, spec, baseDir, options);
}

/** A CSV file on disk, streamed: see readCsvWith. */
export function readCsvFile(abs: string, written: string, o: CsvFileOptions): Promise<{ data: Dataset; chunks: number; bytes: number }> {
  return readCsvWith(nodeDataFiles, abs, written, o);
}
