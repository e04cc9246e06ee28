/**
 * The Inspect tab's picker: the split (training or validation) and a sample's index, an "Inspect"
 * button (posts {type:'inspect', split, sample}), the toolbar's "Inspect Sample…" action, and for
 * image data a gallery of held-out images to click.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import * as l10n from '@vscode/l10n';
import type { InspectTarget, SampleImages, WebviewToHost } from '../../src/training/protocol';
import { el } from '../dom';
import { renderTiles, tileScale } from '../mistakes/images';
import { parseIndex } from './loss-terms';

type Valued = HTMLElement & { value: string };

export class Picker {
  readonly el = el('div', undefined, 'insp-picker');
  private readonly split = el('vscode-single-select') as Valued;
  private readonly index = el('vscode-textfield') as Valued;
  private readonly galleryBox = el('div', undefined, 'insp-gallery');
  private gallery: SampleImages | null = null;
  private target: InspectTarget | null = null;

  constructor(private readonly post: (m: WebviewToHost) => void) {
    this.split.id = 'insp-split';
    for (const [value, label] of [['val', l10n.t('validation set')], ['train', l10n.t('training set')]]) {
      const o = el('vscode-option', label);
      o.setAttribute('value', value);
      this.split.append(o);
    }
    this.split.setAttribute('aria-label', l10n.t('Split'));
    this.index.id = 'insp-index';
    this.index.setAttribute('type', 'number');
    this.index.setAttribute('min', '0');
    this.index.setAttribute('placeholder', l10n.t('index'));
    this.index.setAttribute('aria-label', l10n.t('Sample index'));
    this.index.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.submit();
    });
    const go = el('vscode-button', l10n.t('Inspect'));
    go.id = 'insp-go';
    go.setAttribute('icon', 'search');
    go.addEventListener('click', () => this.submit());
    const ask = el('vscode-button', l10n.t('Inspect Sample…'));
    ask.id = 'insp-ask';
    ask.setAttribute('secondary', '');
    ask.title = l10n.t('Pick a sample of the model file\'s data, with the weights of its run or the initial ones');
    ask.addEventListener('click', () => this.post({ type: 'action', action: 'inspect' }));
    const row = el('div', undefined, 'insp-pick-row');
    row.append(el('span', l10n.t('Sample'), 'insp-pick-label'), this.split, this.index, go, ask);
    this.galleryBox.hidden = true;
    this.el.append(row, this.galleryBox);
  }

  /** Shows the sample on screen in the inputs. */
  setTarget(t: InspectTarget): void {
    this.target = t;
    this.split.value = t.split;
    if (document.activeElement !== this.index) this.index.value = String(t.sample);
    this.markCurrent();
  }

  /** Frames the gallery's image of the sample on show. */
  private markCurrent(): void {
    const t = this.target;
    this.galleryBox.querySelectorAll<HTMLElement>('.mist-tile').forEach((tile) => {
      tile.classList.toggle('insp-current', t?.split === 'val' && tile.dataset.sample === String(t.sample));
    });
  }

  /** Image data: the held-out images to click (none: hidden). */
  setGallery(g: SampleImages | null | undefined): void {
    if ((g ?? null) === this.gallery) return;
    this.gallery = g ?? null;
    this.galleryBox.hidden = !g || g.indices.length === 0;
    if (!g || g.indices.length === 0) return;
    const head = el('div', l10n.t('Or click a held-out image:'), 'muted insp-gallery-head');
    const tiles = el('div');
    // Half the mistakes' size: 48 digits in a few rows above the result.
    const scale = Math.max(1, tileScale(g.width) - 1);
    renderTiles(tiles, g, g.indices.map((sample, at) => ({ at, sample, caption: `#${sample}`, title: l10n.t('Inspect validation sample {0}', sample) })), (sample) => {
      this.post({ type: 'inspect', split: 'val', sample });
    }, scale);
    this.galleryBox.replaceChildren(head, tiles);
    this.markCurrent();
  }

  private submit(): void {
    const sample = parseIndex(this.index.value);
    const split = this.split.value === 'train' ? 'train' : 'val';
    this.index.toggleAttribute('invalid', sample === null);
    if (sample !== null) this.post({ type: 'inspect', split, sample });
  }
}
