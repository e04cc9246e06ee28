/**
 * A surface run in the panel: only what such a run produces shows. Overview (its f per step and
 * the surface card) stays; the network's tabs, cards and toolbar buttons step aside; the loss card
 * is named f(x, y); the header speaks of the surface, the start and the steps.
 */
import * as l10n from '@vscode/l10n';
import type { TabId } from '../tabs';
import { showTabHeader } from '../tabs';
import type { RunStore } from '../store';
import { int, num } from '../format';
import { positionText } from './text';
import { ruleOf } from './runs';

/** Tabs a surface run has nothing for; the ones other views show when they have something (weights, mistakes, tune) stay theirs. */
export const NETWORK_TABS: readonly TabId[] = ['gradients', 'activations', 'inspect', 'checks', 'findings'];
/** Cards and toolbar buttons of a network run. */
const NETWORK_CARDS = ['card-accuracy', 'card-r2'];
const NETWORK_BUTTONS = ['btn-swapInit', 'btn-gradcheck'];

let applied = false;
let lossTitle: { title: string; why: string } | null = null;

const $ = (id: string): HTMLElement | null => document.getElementById(id);

/** Hides (surface run) or shows again (a network run after it) what a surface run does not produce. */
export function applySurfaceLayout(surface: boolean): void {
  if (surface) {
    for (const id of NETWORK_CARDS) $(id)?.toggleAttribute('hidden', true);
    for (const id of ['card-weights', 'group-weights']) $(id)?.toggleAttribute('hidden', true);
  }
  if (surface === applied) return;
  applied = surface;
  for (const id of NETWORK_TABS) showTabHeader(id, !surface);
  for (const id of NETWORK_BUTTONS) $(id)?.toggleAttribute('hidden', surface);
  const title = $('title-loss');
  const why = document.querySelector<HTMLElement>('#card-loss .why');
  if (!title || !why) return;
  lossTitle ??= { title: title.textContent ?? '', why: why.textContent ?? '' };
  title.textContent = surface ? 'f(x, y)' : lossTitle.title;
  why.textContent = surface ? l10n.t('The value of the surface at each step\'s point: how fast the update rule goes downhill, and where it stalls or overshoots.') : lossTitle.why;
}

/** The header's two lines for a surface run (null: not one). */
export function surfaceHeader(store: RunStore): { summary: string; details: string } | null {
  const run = store.run;
  const frame = run?.info.surface;
  if (!run || !frame) return null;
  const last = store.path[store.path.length - 1];
  const total = run.info.totalSteps;
  const here = last ? ` · ${positionText(last.x, last.y)} · f = ${num(last.f)}` : '';
  const summary = run.status === 'running' || !run.final
    ? l10n.t('step {0}/{1}', int(run.step), int(total)) + here
    : l10n.t('final: f = {0} after {1} steps', num(last?.f ?? run.final.loss), int(run.final.steps)) + (last ? ` · ${positionText(last.x, last.y)}` : '');
  const details = [
    frame.preset ? l10n.t('surface {0}', frame.preset) : l10n.t('surface f(x, y) = {0}', frame.expression),
    l10n.t('start {0}', positionText(frame.start[0], frame.start[1])),
    l10n.t('optimizer {0}', ruleOf(store)),
  ].join(' · ');
  return { summary, details };
}
