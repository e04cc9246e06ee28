/**
 * What an epoch's held-out evaluation shows besides its loss and accuracy (classification with a
 * held-out set): the confusion matrix and the most confident mistakes, counted from the same score
 * rows in the same pass (Trainer.evaluate's hook), and for image data the mistakes' images and the
 * gallery of held-out samples to pick one to inspect.
 */
import { ConfusionCollector } from '../engine/confusion';
import { isClassification } from '../engine/loss';
import { imageGeometry, sampleImages } from '../engine/sample-images';
import { isRegressionSet } from '../engine/data/dataset';
import type { Trainer, EvaluationHook } from '../engine/trainer';
import { GALLERY_SIZE, MAX_MISTAKES, type MistakesFrame, type SampleImages } from './protocol';

/**
 * One per run, reused every epoch (its buffers are made once): begin() before the held-out
 * evaluation, `hook` passed to it, then confusion() and mistakes() read what it counted.
 */
export class EpochReview {
  /** Pass to Trainer.evaluate(validationSet, hook): counts each chunk's score rows. */
  readonly hook: EvaluationHook;
  private readonly collector = new ConfusionCollector(MAX_MISTAKES);
  private readonly classes: number;
  private readonly images: boolean;

  private constructor(private readonly trainer: Trainer) {
    const val = trainer.validationSet;
    const c = trainer.network.outputSize;
    // The model ends with one output per class (the data is checked against it); the larger, to drop no count.
    this.classes = Math.max(val.classes, c);
    this.images = imageGeometry(val.shape) !== null;
    this.hook = (scores, start, n) => this.collector.add(scores, val.y, start, n, c);
  }

  /** A review for a classification run with a held-out set; null otherwise (regression, nothing held out). */
  static of(trainer: Trainer): EpochReview | null {
    const val = trainer.validationSet;
    if (val.n === 0 || isRegressionSet(val) || !isClassification(trainer.network.lossName)) return null;
    return new EpochReview(trainer);
  }

  /** Starts the count of an epoch's held-out evaluation. */
  begin(): void {
    this.collector.reset(this.classes, this.trainer.network.lossName);
  }

  /** confusion[true class][predicted class] over the rows evaluated since begin(). */
  confusion(): number[][] {
    return this.collector.matrix();
  }

  /** The mistakes counted since begin(): how many, the most confident first, and their images for image data. */
  mistakes(epoch: number, step: number): MistakesFrame {
    const items = this.collector.mistakes();
    return {
      epoch, step, total: this.collector.wrong, validationSize: this.collector.rows, items,
      images: this.images ? sampleImages(this.trainer.validationSet, items.map((m) => m.index)) : null,
    };
  }

  /** Image data: the first GALLERY_SIZE held-out samples as images; null otherwise. */
  gallery(): SampleImages | null {
    if (!this.images) return null;
    const val = this.trainer.validationSet;
    return sampleImages(val, Array.from({ length: Math.min(GALLERY_SIZE, val.n) }, (_, i) => i));
  }
}
