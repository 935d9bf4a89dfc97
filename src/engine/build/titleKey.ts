/** Spaces that real exports leave around titles: ASCII whitespace, NBSP and other Unicode spaces. */
const EDGE_SPACE = /^[\s\u00a0\ufeff]+|[\s\u00a0\ufeff]+$/g;

/** Whether a UTF-16 code unit may be (part of) a space the regex above removes. */
function maybeSpace(code: number): boolean {
  return code <= 0x20 || (code >= 0x7f && (code === 0xa0 || code === 0xfeff || code === 0x1680 || (code >= 0x2000 && code <= 0x3000)));
}

/** Trimmed text; called for two fields of every query row, so the common clean case skips the regex. */
export function trimText(text: string): string {
  if (text.length === 0 || (!maybeSpace(text.charCodeAt(0)) && !maybeSpace(text.charCodeAt(text.length - 1)))) return text;
  return text.replace(EDGE_SPACE, '');
}

/** The key titles are matched on in every table: trimmed, and lower-cased when asked. */
export function titleKey(text: string, caseInsensitive: boolean): string {
  const trimmed = trimText(text);
  return caseInsensitive ? trimmed.toLowerCase() : trimmed;
}
