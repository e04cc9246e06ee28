/**
 * The Mistakes tab (#slot-mistakes; its header shows once an epoch's confusion matrix exists): the
 * held-out set's confusion matrix with a slider back through the epochs, and the newest epoch's
 * mistakes, most confident first, each opening in Inspect.
 */
import * as l10n from '@vscode/l10n';
import type { EpochMetrics, MistakesFrame, WebviewToHost } from '../../src/training/protocol';
import { card, el } from '../dom';
import { pct } from '../format';
import { isTabShown, onTabShown, showTabHeader } from '../tabs';
import { onThemeChange, readTheme } from '../theme';
import { className } from '../inspect/loss-terms';
import { renderConfusion } from './confusion';
import { confusionEpochs, confusionFigures, type ClassPair, type ConfusionEpoch } from './confusion-data';
import { renderMistakes } from './gallery';

export class MistakesView {
  private epochs: ConfusionEpoch[] = [];
  private frame: MistakesFrame | null = null;
  private names: readonly string[] | undefined;
  /** The epoch on show (its place in epochs); null: the newest, following new ones. */
  private at: number | null = null;
  private pair: ClassPair | null = null;
  private readonly slider = el('input', undefined, 'mist-slider');
  private readonly epochText = el('span', '', 'mist-epoch');
  private readonly matrix = el('div', undefined, 'mist-matrix-wrap');
  private readonly summary = el('p', '', 'mist-summary');
  private readonly gallery = el('div', undefined, 'mist-gallery');
  private dirty = false;

  constructor(slot: HTMLElement, private readonly post: (m: WebviewToHost) => void) {
    this.slider.type = 'range';
    this.slider.id = 'mist-slider';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', l10n.t('Epoch'));
    this.slider.addEventListener('input', () => {
      const k = Number(this.slider.value);
      this.at = k >= this.epochs.length - 1 ? null : k;
      this.renderMatrix();
    });
    this.epochText.id = 'mist-epoch';
    this.summary.id = 'mist-summary';
    this.gallery.id = 'mist-gallery';
    const bar = el('div', undefined, 'mist-slider-row');
    bar.append(this.slider, this.epochText);
    slot.append(
      card('mist-confusion', l10n.t('Confusion matrix'), l10n.t('The held-out set at the end of an epoch, in eval mode: rows the true class, columns the predicted one. Each cell is filled by its share of the row; click a mistake\'s cell to see only those below.'), bar, this.matrix),
      card('mist-gallery', l10n.t('Mistakes'), l10n.t('The held-out samples the newest weights get wrong, the most confident first (softmax: the predicted class\'s probability; SVM: the score margin). Click one to inspect it.'), this.summary, this.gallery),
    );
    onTabShown('mistakes', () => this.render());
    onThemeChange(() => {
      this.dirty = true;
      this.render();
    });
  }

  /** The run's epochs (their confusion matrices), its newest mistakes, the classes' names. */
  update(epochs: readonly EpochMetrics[], frame: MistakesFrame | null | undefined, names?: readonly string[]): void {
    const list = confusionEpochs(epochs);
    const newFrame = frame ?? null;
    if (list.length === this.epochs.length && list.at(-1) === this.epochs.at(-1) && newFrame === this.frame && names === this.names) return;
    if (list.length < this.epochs.length || list[0] !== this.epochs[0]) this.at = null; // another run
    this.epochs = list;
    this.frame = newFrame;
    this.names = names;
    if (this.pair && !newFrame?.items.some((m) => m.label === this.pair?.label && m.predicted === this.pair?.predicted)) this.pair = null;
    showTabHeader('mistakes', list.length > 0);
    this.dirty = true;
    this.render();
  }

  private render(): void {
    if (!this.dirty || !isTabShown('mistakes')) return;
    this.dirty = false;
    this.renderMatrix();
    this.renderGallery();
  }

  private renderMatrix(): void {
    const n = this.epochs.length;
    if (n === 0) {
      this.matrix.replaceChildren(el('p', l10n.t('No epoch has ended yet.'), 'muted'));
      return;
    }
    const k = this.at ?? n - 1;
    const e = this.epochs[k];
    this.slider.max = String(n - 1);
    this.slider.value = String(k);
    this.slider.disabled = n < 2;
    const f = confusionFigures(e.confusion);
    this.epochText.textContent = l10n.t('epoch {0} of {1} · step {2} · accuracy {3} ({4} of {5} right)', e.epoch, this.epochs[n - 1].epoch, e.step, pct(f.accuracy), f.correct, f.total);
    renderConfusion(this.matrix, f, readTheme(), this.names, this.pair, (p) => {
      const same = this.pair?.label === p.label && this.pair.predicted === p.predicted;
      this.pair = same ? null : p;
      this.renderMatrix();
      this.renderGallery();
    });
  }

  private renderGallery(): void {
    const f = this.frame;
    if (!f) {
      this.summary.textContent = l10n.t('The mistakes come at the end of the next epoch.');
      this.gallery.replaceChildren();
      return;
    }
    const of = l10n.t('Epoch {0}: {1} of {2} held-out samples wrong', f.epoch, f.total, f.validationSize);
    const shown = f.items.length < f.total ? ` · ${l10n.t('the {0} most confident shown', f.items.length)}` : '';
    const only = this.pair ? ` · ${l10n.t('only true {0} → predicted {1}', className(this.pair.label, this.names), className(this.pair.predicted, this.names))}` : '';
    this.summary.textContent = `${of}${shown}${only}`;
    Object.assign(this.summary.dataset, { total: String(f.total), validationSize: String(f.validationSize) });
    renderMistakes(this.gallery, f, this.pair, this.names, (sample) => this.post({ type: 'inspect', split: 'val', sample }));
  }
}
