import * as vscode from 'vscode';

/** A model file to start from; its text (and data files) ship in the extension's templates/ folder. */
export interface Template {
  id: string;
  label: string;
  description: string;
  detail: string;
  /** Data files the model reads, written beside it (names as the model file writes them). */
  data?: string[];
}

export const TEMPLATES: readonly Template[] = [
  { id: 'spiral-mlp', label: vscode.l10n.t('Spiral MLP'), description: 'spiral · dense 100 relu → 3', detail: vscode.l10n.t('cs231n\'s spiral: one hidden ReLU layer separates three interleaved arms') },
  { id: 'mnist-mlp', label: 'MNIST MLP', description: 'mnist · dense 100 relu → 10', detail: vscode.l10n.t('A two-layer net on the 10,000 digits that ship with TrainLens') },
  { id: 'mnist-cnn', label: 'MNIST CNN', description: 'mnist · [conv 3×3 → relu → pool 2]×2 → dense 10', detail: vscode.l10n.t('A small convolutional net: few parameters, most of the FLOPs in the convolutions') },
  { id: 'init-experiment', label: vscode.l10n.t('Weight-init experiment'), description: 'gaussian · 10 × dense 500 tanh', detail: vscode.l10n.t('cs231n lecture 6: watch the activations shrink (small), keep their spread (xavier) or saturate (he)') },
  { id: 'optimizer-comparison', label: vscode.l10n.t('Optimizer comparison'), description: vscode.l10n.t('spiral · starts with sgd'), detail: vscode.l10n.t('Swap the optimizer mid-run (sgd → momentum → adam) and see the loss curve change') },
  { id: 'csv-classification', label: vscode.l10n.t('CSV classification'), description: 'flowers.csv · dense 16 relu → 3', detail: vscode.l10n.t('Rows of a CSV file with string labels (writes a small made-up flowers.csv beside the model)'), data: ['flowers.csv'] },
  { id: 'regression-sine', label: vscode.l10n.t('Regression (sine)'), description: 'sine · dense 32 tanh ×2 → 1 · mse', detail: vscode.l10n.t('Fit sin(x) + noise with the mean squared error; the panel draws the fit and reports R² and RMSE') },
  { id: 'csv-regression', label: vscode.l10n.t('CSV regression'), description: 'houses.csv · dense 8 relu → 1 · mse', detail: vscode.l10n.t('Predict a numeric CSV column (target:) from the others (writes a small made-up houses.csv beside the model)'), data: ['houses.csv'] },
];

const MODEL_NAME = /\.nn\.ya?ml$/i;

/** Where a new model goes by default: beside the active file, else the first workspace folder. */
function defaultFolder(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file' && vscode.workspace.getWorkspaceFolder(active)) return vscode.Uri.joinPath(active, '..');
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function exists(uri: vscode.Uri): Promise<vscode.FileType | undefined> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type;
  } catch {
    return undefined;
  }
}

async function pickTemplate(): Promise<Template | undefined> {
  const picked = await vscode.window.showQuickPick(
    TEMPLATES.map((t) => ({ label: t.label, description: t.description, detail: t.detail, template: t })),
    { title: vscode.l10n.t('TrainLens: New Model File'), placeHolder: vscode.l10n.t('Start from a template'), matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.template;
}

/** Asks for the file name (relative to the folder); undefined if cancelled. */
async function askTarget(template: Template, folder: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const fileName = `${template.id}.nn.yaml`;
  if (!folder) {
    return vscode.window.showSaveDialog({
      title: vscode.l10n.t('TrainLens: New Model File'), saveLabel: vscode.l10n.t('Create'), filters: { [vscode.l10n.t('Model files')]: ['nn.yaml', 'yaml'] },
    });
  }
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('TrainLens: New Model File'),
    prompt: vscode.l10n.t('File name, in {0}', vscode.workspace.asRelativePath(folder, true) || folder.fsPath),
    value: fileName,
    valueSelection: [0, template.id.length],
    validateInput: (v) => {
      const s = v.trim();
      if (s === '') return vscode.l10n.t('Give the file a name.');
      if (!MODEL_NAME.test(s)) return vscode.l10n.t('Model files end in .nn.yaml.');
      if (s.split(/[\\/]/).includes('..') || /^([a-zA-Z]:)?[\\/]/.test(s)) return vscode.l10n.t('A name inside this folder, please.');
      return undefined;
    },
  });
  return name ? vscode.Uri.joinPath(folder, name.trim()) : undefined;
}

/** True when the file can be written: it does not exist, has the same content, or the user said Overwrite. */
async function mayWrite(uri: vscode.Uri, content: Uint8Array): Promise<boolean> {
  const type = await exists(uri);
  if (type === undefined) return true;
  if (type !== vscode.FileType.File) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: {0} is a folder.', vscode.workspace.asRelativePath(uri)));
    return false;
  }
  const current = await vscode.workspace.fs.readFile(uri);
  if (current.length === content.length && current.every((b, i) => b === content[i])) return true;
  const overwrite = vscode.l10n.t('Overwrite');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists. Overwrite it?', vscode.workspace.asRelativePath(uri)), { modal: true }, overwrite);
  return choice === overwrite;
}

/**
 * TrainLens: New Model File…: pick a template, name the file, and it is written (with its data
 * files beside it) and opened. Arguments skip the questions: (templateId?, targetUri?), where the
 * target is the model file or a folder; the explorer passes a folder Uri first. Never overwrites a
 * different file without asking. Returns the model file's Uri.
 */
export async function newModelCommand(extensionUri: vscode.Uri, first?: unknown, second?: unknown): Promise<vscode.Uri | undefined> {
  const asUri = (v: unknown): vscode.Uri | undefined => (v instanceof vscode.Uri ? v : typeof v === 'string' && /^[a-z][\w+.-]*:/i.test(v) ? vscode.Uri.parse(v) : undefined);
  const templateId = typeof first === 'string' && !asUri(first) ? first : undefined;
  const targetArg = asUri(first) ?? asUri(second);
  let template: Template | undefined;
  if (templateId !== undefined) {
    template = TEMPLATES.find((t) => t.id === templateId);
    if (!template) {
      void vscode.window.showErrorMessage(vscode.l10n.t("TrainLens: there is no template '{0}' (templates: {1}).", templateId, TEMPLATES.map((t) => t.id).join(', ')));
      return undefined;
    }
  } else {
    template = await pickTemplate();
  }
  if (!template) return undefined;

  let target: vscode.Uri | undefined;
  if (targetArg && MODEL_NAME.test(targetArg.path)) target = targetArg;
  else target = await askTarget(template, targetArg && (await exists(targetArg)) === vscode.FileType.Directory ? targetArg : defaultFolder());
  if (!target) return undefined;
  if (!MODEL_NAME.test(target.path)) target = target.with({ path: `${target.path.replace(/\.ya?ml$/i, '')}.nn.yaml` });

  const dir = vscode.Uri.joinPath(extensionUri, 'templates');
  let text: Uint8Array;
  try {
    text = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, `${template.id}.nn.yaml`));
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t("TrainLens: the template '{0}' is missing from the extension ({1}).", template.id, e instanceof Error ? e.message : String(e)));
    return undefined;
  }
  if (!(await mayWrite(target, text))) return undefined;
  const folder = vscode.Uri.joinPath(target, '..');
  try {
    await vscode.workspace.fs.writeFile(target, text);
    for (const name of template.data ?? []) {
      const content = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name));
      const dataTarget = vscode.Uri.joinPath(folder, name);
      if (await mayWrite(dataTarget, content)) await vscode.workspace.fs.writeFile(dataTarget, content);
    }
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('TrainLens: could not write {0}: {1}', vscode.workspace.asRelativePath(target), e instanceof Error ? e.message : String(e)));
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(doc);
  return target;
}

export function registerTemplates(extensionUri: vscode.Uri): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('trainlens.newModel', (first?: unknown, second?: unknown) => newModelCommand(extensionUri, first, second)),
  ];
}
