/** "TrainLens: Show Circuit": the circuit panel of a `circuit:` model file. */
import * as vscode from 'vscode';
import type { CircuitPanels } from '../../panel/circuit-panels';
import { modelTitle, type ModelDocuments } from '../models';
import { isSurfaceSource, targetDocument } from './context';

/**
 * Registers trainlens.showCircuit: on the file it is given (CodeLens, the editor's title, another
 * command) or the active editor's; a network file gets a message saying what a circuit file holds.
 */
export function registerCircuitCommands(context: vscode.ExtensionContext, models: ModelDocuments, panels: CircuitPanels): void {
  context.subscriptions.push(vscode.commands.registerCommand('trainlens.showCircuit', async (uri?: unknown) => {
    const doc = await targetDocument(uri);
    if (!doc) return;
    if (isSurfaceSource(models.get(doc))) {
      void vscode.window.showInformationMessage(vscode.l10n.t('TrainLens: {0} is a surface, not a circuit: Train races its optimizer over f(x, y). A circuit file holds an expression and its inputs, e.g. circuit: "(x + y) * z" and inputs: { x: -2, y: 5, z: -4 }.', modelTitle(doc.uri)));
      return;
    }
    if (!models.get(doc).circuit) {
      const message = vscode.l10n.t('TrainLens: {0} is a network, not a circuit. A circuit file holds an expression and its inputs instead of data and layers, e.g. circuit: "(x + y) * z" and inputs: { x: -2, y: 5, z: -4 }.', modelTitle(doc.uri));
      void vscode.window.showInformationMessage(message);
      return;
    }
    panels.show(doc);
  }));
}
