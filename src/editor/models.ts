import * as vscode from 'vscode';
import { parseModel, type ModelSource } from '../model/parse';

/** Model files: `*.nn.yaml` / `*.nn.yml`, edited as YAML. */
export const MODEL_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml', pattern: '**/*.nn.{yaml,yml}' },
];

const MODEL_NAME = /\.nn\.ya?ml$/i;

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return MODEL_NAME.test(doc.uri.path);
}

export function modelTitle(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.toString();
}

/** Parses each document version once, for diagnostics, CodeLens and commands alike. */
export class ModelDocuments {
  private readonly cache = new Map<string, { version: number; source: ModelSource }>();

  get(doc: vscode.TextDocument): ModelSource {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.source;
    const source = parseModel(doc.getText());
    this.cache.set(key, { version: doc.version, source });
    return source;
  }

  forget(doc: vscode.TextDocument): void {
    this.cache.delete(doc.uri.toString());
  }
}
