import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TrainingSession } from '../../../src/training/session';
import { panelHtml } from '../../../src/panel/html';
import { useExtension, lensTitles, until, workspaceFile, writeModel } from '../util';

// Runs in a VS Code started with `--locale ko` (npm run test:vscode:ko): every string of TrainLens
// is Korean there, while VS Code's own UI may stay English (no language pack of its own).

const HANGUL = /[\uac00-\ud7a3]/;

const problems = (doc: vscode.TextDocument): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'TrainLens');

async function quickFixTitles(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return actions.filter((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined);
}

async function hoverText(doc: vscode.TextDocument, marker: string): Promise<string> {
  const pos = doc.positionAt(doc.getText().indexOf(marker));
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

/** A misspelt key: a diagnostic, and a quick fix that reads the suggestion out of the message. */
async function fixInKorean(doc: vscode.TextDocument, message: RegExp, title: string): Promise<void> {
  const d = await until(`a diagnostic ${message}`, () => problems(doc).find((p) => message.test(p.message)))
    .catch((e) => { throw new Error(`${e.message}; the problems are: ${problems(doc).map((p) => p.message).join(' | ')}`); });
  const fixes = await quickFixTitles(doc, d);
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `the quick fix "${title}" among: ${fixes.map((f) => f.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit!));
  await until(`the diagnostic ${message} to go`, () => !problems(doc).some((p) => message.test(p.message)));
}

describe('TrainLens in Korean (VS Code with --locale ko)', () => {
  const extension = useExtension();

  it('runs in Korean: the display language is ko and l10n/bundle.l10n.ko.json is loaded', () => {
    assert.equal(vscode.env.language, 'ko');
    assert.ok(vscode.l10n.bundle, 'VS Code loaded a bundle for the extension');
    assert.equal(vscode.l10n.t('Loss'), '손실');
    assert.equal(vscode.l10n.t('epoch {0}/{1}', 3, 10), '에폭 3/10');
  });

  it('command titles come from package.nls.ko.json', () => {
    const ext = vscode.extensions.getExtension('trainlens.trainlens');
    assert.ok(ext);
    const commands = (ext.packageJSON as { contributes: { commands: { command: string; title: string | { value: string } }[] } }).contributes.commands;
    const title = (c: { title: string | { value: string } }): string => (typeof c.title === 'string' ? c.title : c.title.value);
    assert.equal(title(commands.find((c) => c.command === 'trainlens.train')!), '모델 학습');
    assert.equal(title(commands.find((c) => c.command === 'trainlens.swapOptimizer')!), '옵티마이저 바꾸기…');
    for (const c of commands) assert.match(title(c), HANGUL, `${c.command}: ${title(c)}`);
  });

  it('CodeLens, run figures and the panel: Korean from Train to the finished run', async () => {
    const uri = workspaceFile('spiral.nn.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = await lensTitles(uri);
    for (const t of ['$(play) 학습', '$(beaker) 기울기 검사', '$(graph-line) 차트', 'optimizer: adam · 바꾸기…', 'init: he · 바꾸기…']) {
      assert.ok(before.includes(t), `"${t}" among the lenses: ${before.join(' | ')}`);
    }
    const session = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', uri);
    await session.finished;
    assert.equal(session.status, 'finished', session.error ?? '');
    // The panel's script runs with the Korean bundle too, and reports what it drew.
    await until('the panel to draw every loss point', () => extension().charts.rendered.get(session.runId) === session.loss.series.items.length);
    const after = await lensTitles(uri);
    assert.ok(after.some((t) => /^완료 · 손실 [\d.]+ · 학습 [\d.]+% · 검증 [\d.]+% · [\d.]+k? 샘플\/초$/.test(t)), after.join(' | '));
  });

  it('the panel\'s HTML is Korean and carries the bundle its script reads', () => {
    const html = panelHtml({ cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 'webview.js', styleUri: 'panel.css', language: vscode.env.language, l10n: vscode.l10n.bundle });
    assert.match(html, /<html lang="ko">/);
    for (const label of ['<span class="tab-label">개요</span>', '<h3 id="title-loss">손실</h3>', '<h3 id="title-accuracy">정확도</h3>', '>PNG 저장</button>', '옵티마이저 바꾸기…']) {
      assert.ok(html.includes(label), label);
    }
    const attr = /<body data-l10n="([^"]*)">/.exec(html);
    assert.ok(attr, 'the body carries data-l10n');
    const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const bundle = JSON.parse(unescape(attr[1])) as Record<string, string>;
    assert.equal(bundle['waiting for statistics…'], '통계를 기다리는 중…');
    assert.equal(bundle['epoch {0}/{1} · step {2}/{3}'], '에폭 {0}/{1} · 스텝 {2}/{3}');
  });

  it('diagnostics are Korean, and their quick fixes still work', async () => {
    const text = (await vscode.workspace.fs.readFile(workspaceFile('spiral.nn.yaml'))).toString();
    const doc = await writeModel('ko-typo.nn.yaml', text.replace(/^optimizer:/m, 'optimzer:').replace(/- dense: 3\b/, '- dense: 4'));
    await fixInKorean(doc, /^모델에 알 수 없는 키가 있습니다: 'optimzer'\. 혹시 'optimizer'인가요\?$/, "'optimzer' 대신 'optimizer' 쓰기");
    await fixInKorean(doc, /^모델의 마지막 출력은 4 = 4개인데, softmax 손실에는 클래스마다 점수가 하나씩 있어야 합니다\./, 'dense를 3(으)로 설정(클래스마다 점수 하나)');
    await until('no problems left', () => problems(doc).length === 0);
  });

  it('what the training worker says is Korean: a bad data row, and a run that diverges', async () => {
    await vscode.workspace.fs.writeFile(workspaceFile('ko-ragged.csv'), Buffer.from('a,b,label\n1,2,0\n3,1\n'));
    const csv = await writeModel('ko-data.nn.yaml', 'data: { csv: ko-ragged.csv, label: label }\nlayers:\n  - dense: 2\ntrain: { epochs: 1 }\n');
    await until('the CSV model to have no problems', () => problems(csv).length === 0);
    const bad = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', csv.uri);
    await bad.finished;
    assert.equal(bad.status, 'failed');
    assert.match(bad.error ?? '', /^ko-ragged\.csv\b/, bad.error ?? '');
    assert.match(bad.error ?? '', HANGUL, `in Korean: ${bad.error}`);
    const text = (await vscode.workspace.fs.readFile(workspaceFile('spiral.nn.yaml'))).toString();
    const hot = await writeModel('ko-diverge.nn.yaml', text.replace(/^optimizer:.*$/m, 'optimizer: { type: sgd, lr: 100 }').replace(/^(\s*)l2:.*$/m, '$1l2: 1'));
    await until('the diverging model to have no problems', () => problems(hot).length === 0);
    const run = await vscode.commands.executeCommand<TrainingSession>('trainlens.train', hot.uri);
    await run.finished;
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /^\d+ 스텝에서 학습이 발산했습니다: .*layers\[\d\].* 학습률\(현재 100\)을 낮추거나 초기화 방식을 바꾸세요\.$/, run.error ?? '');
  });

  it('hovers are Korean', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('spiral.nn.yaml'));
    await vscode.window.showTextDocument(doc);
    const layer = await hoverText(doc, 'dense: 100');
    assert.match(layer, /파라미터 300개, 샘플당 400 FLOPs/);
    assert.match(layer, /완전 연결\(affine\): 각 출력은 모든 입력의 가중합/);
    assert.match(await hoverText(doc, 'relu'), /max\(0, x\): x > 0에서 포화되지 않고/);
  });
});
