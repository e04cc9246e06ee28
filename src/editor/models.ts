import * as vscode from 'vscode';
import * as path from 'node:path';
import { parseModel, type ModelSource, type ParseOptions } from '../model/parse';
import { pathChecker } from '../node/files';
import type { ModelDiagnostic } from '../model/diagnostics';
import { inEnglish } from './l10n';

/** Model files: `*.nn.yaml` / `*.nn.yml` edited as YAML, `*.nn.json` as JSON (the same format). */
export const MODEL_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', pattern: '**/*.nn.{yaml,yml}' },
  { language: 'json', pattern: '**/*.nn.json' },
  { language: 'jsonc', pattern: '**/*.nn.json' },
];

const MODEL_NAME = /\.nn\.(ya?ml|json)$/i;

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return MODEL_NAME.test(doc.uri.path);
}

export function modelTitle(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.toString();
}

/** The limit on a model's estimated training memory: the `trainlens.memoryLimitMB` setting. */
export function memoryLimitBytes(): number {
  const mb = vscode.workspace.getConfiguration('trainlens').get<number>('memoryLimitMB') ?? 2048;
  return Math.max(1, mb) * 1024 * 1024;
}

function parseOptions(doc: vscode.TextDocument): ParseOptions {
  return { checkPath: dataPathChecker(doc), memoryLimit: memoryLimitBytes() };
}

/** Parses each document version once, for diagnostics, CodeLens and commands alike. */
export class ModelDocuments {
  private readonly cache = new Map<string, { version: number; source: ModelSource; english?: ModelDiagnostic[] }>();

  get(doc: vscode.TextDocument): ModelSource {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.source;
    const source = parseModel(doc.getText(), parseOptions(doc));
    this.cache.set(key, { version: doc.version, source });
    return source;
  }

  /**
   * The English message of one of a document's diagnostics (as `get` gives them, in the display
   * language), found by its text and offsets; the message itself when there is none to find.
   */
  englishMessage(doc: vscode.TextDocument, message: string, start: number, end: number): string {
    if (!vscode.l10n.bundle) return message; // English already
    const source = this.get(doc);
    const entry = this.cache.get(doc.uri.toString());
    if (!entry) return message;
    entry.english ??= inEnglish(() => parseModel(doc.getText(), parseOptions(doc)).diagnostics);
    const english = entry.english;
    if (english.length !== source.diagnostics.length) return message;
    const same = (d: ModelDiagnostic): boolean => d.message === message;
    let i = source.diagnostics.findIndex((d) => same(d) && d.start === start && Math.max(d.start, d.end) === end);
    if (i < 0) i = source.diagnostics.findIndex(same);
    return i < 0 ? message : english[i].message;
  }

  forget(doc: vscode.TextDocument): void {
    this.cache.delete(doc.uri.toString());
  }

  /** Data files changed on disk: every model is read again on next use. */
  forgetAll(): void {
    this.cache.clear();
  }
}

/** Data paths must exist and stay inside the workspace folders (or the model's folder outside one). */
export function dataPathChecker(doc: vscode.TextDocument): ReturnType<typeof pathChecker> | undefined {
  if (doc.uri.scheme !== 'file') return undefined;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return pathChecker(doc.uri.fsPath, folders.length > 0 ? folders : [path.dirname(doc.uri.fsPath)]);
}
