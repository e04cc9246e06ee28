import * as path from 'node:path';
import * as vscode from 'vscode';

/** What session 1 leaves for session 2 to find (in the workspace, next to the runs). */
export interface ReloadExpected {
  finished: Array<{ runId: string; losses: number[]; final: unknown; weights: string[] }>;
  comparison: string[];
  interrupted: { runId: string; losses: number };
  /** The panel left open (and in front) when session 1 reloads the window: its run and what it drew. */
  panel?: { source: string; runId: string; points: number; final: unknown };
}

export function expectedFile(): string {
  return path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reload-expected.json');
}
