/**
 * The panel's Content-Security-Policy: nothing by default; images, styles and fonts only from the
 * extension's own files (`cspSource`); scripts only with this page's nonce. No inline styles and
 * no eval: Chart.js sizes its canvases through the CSSOM, which a CSP does not restrict.
 */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
