// A desktop browser scenario run as it is in the web workbench (same steps and checks). Where it
// compares the panel with the command-line tool, that is the repository's dist/cli.js on Node, on
// the relaxed-SIMD kernels Chromium runs; `rel` > 0 lets its figures differ by that much, relatively
// (browser/common.mjs compareWithin). Screenshots are named with the theme 'web-dark'/'web-light'
// so they sit beside the desktop's.
import { repoRoot } from '../ensure-code-server.mjs';
import { compareWithin } from '../browser/common.mjs';
import { useCliKernels } from '../browser/gradcheck.mjs';

export const asOnDesktop = (scenario, rel = 0) => async (page, ctx) => {
  useCliKernels('relaxed');
  compareWithin(rel);
  try {
    await scenario(page, { ...ctx, theme: `web-${ctx.theme}`, shots: {}, extension: repoRoot });
  } finally {
    compareWithin(0);
    useCliKernels(null);
  }
};
