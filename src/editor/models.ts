import * as vscode from 'vscode';
import { parseModel, type ModelSource, type ParseOptions } from '../model/parse';
import type { PathCheck } from '../model/data';
import type { ModelDiagnostic } from '../model/diagnostics';
import type { HostPlatform } from '../platform/host';
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

/** What model documents take from the platform: where data paths are relative to, and how they are checked. */
export type DocumentPlatform = Pick<HostPlatform, 'baseDirOf' | 'pathChecker' | 'dataChanged'>;

/** Until activation sets the platform's: no data can be read (as for an unsaved file) and no path is checked. */
let documentPlatform: DocumentPlatform = { baseDirOf: () => null, pathChecker: () => undefined };

/** The platform model documents use (activateWith sets it before anything reads a model file). */
export function useDocumentPlatform(platform: DocumentPlatform): void {
  documentPlatform = platform;
}

/**
 * Where a model file's data paths are relative to, as the worker reads them (desktop: its folder
 * on disk; web: the folder's URI); null where its data cannot be read (an unsaved file).
 */
export function dataBaseDir(uri: vscode.Uri): string | null {
  return documentPlatform.baseDirOf(uri);
}

function parseOptions(doc: vscode.TextDocument, onResolved: () => void): ParseOptions {
  return { checkPath: dataPathChecker(doc, onResolved), memoryLimit: memoryLimitBytes() };
}

/** Parses each document version once, for diagnostics, CodeLens and commands alike. */
export class ModelDocuments {
  private readonly cache = new Map<string, { version: number; source: ModelSource; english?: ModelDiagnostic[] }>();
  private readonly resolved = new vscode.EventEmitter<vscode.TextDocument>();
  /**
   * A path check answered late (the web checks data paths asynchronously): the document's parse
   * was dropped, and get() now gives the diagnostics with the answer.
   */
  readonly onDidResolvePaths = this.resolved.event;

  get(doc: vscode.TextDocument): ModelSource {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.source;
    const source = parseModel(doc.getText(), parseOptions(doc, () => this.pathsResolved(doc)));
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
    entry.english ??= inEnglish(() => parseModel(doc.getText(), parseOptions(doc, () => undefined)).diagnostics);
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

  /** Data files changed on disk: every model is read again on next use, its data paths checked again. */
  forgetAll(): void {
    documentPlatform.dataChanged?.();
    this.cache.clear();
  }

  dispose(): void {
    this.resolved.dispose();
  }

  private pathsResolved(doc: vscode.TextDocument): void {
    this.forget(doc);
    this.resolved.fire(doc);
  }
}

/**
 * Data paths must exist and stay inside the workspace folders (or the model's folder outside one):
 * the platform's check (undefined: not checked). Where checking is asynchronous, onResolved is
 * called once an unknown path's answer is in.
 */
export function dataPathChecker(doc: vscode.TextDocument, onResolved: () => void = () => undefined): PathCheck | undefined {
  return documentPlatform.pathChecker(doc, onResolved);
}
