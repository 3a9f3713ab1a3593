/** Escapes a value for a double-quoted HTML attribute or HTML text. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * Writes a value as a JavaScript string literal that is safe inside an inline `<script>`:
 * `<` is escaped too, so the value cannot close the script element.
 */
export function scriptStringLiteral(value: string): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Builds an asynchronous `<script>` element that loads `src`. */
export function asyncScriptTag(src: string): string {
  return `<script async src="${escapeHtml(src)}"></script>`;
}

/** Builds an inline `<script>` element from code lines. */
export function inlineScriptTag(lines: string[]): string {
  return ['<script>', ...lines.map((line) => `  ${line}`), '</script>'].join('\n');
}

/** Builds a hidden 1x1 image inside `<noscript>`, for browsers that run no JavaScript. */
export function noscriptImageTag(src: string): string {
  return (
    `<noscript><img height="1" width="1" style="display:none" alt="" ` +
    `src="${escapeHtml(src)}"/></noscript>`
  );
}
