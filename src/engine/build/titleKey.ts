/** Spaces that real exports leave around titles: ASCII whitespace, NBSP and other Unicode spaces. */
const EDGE_SPACE = /^[\s\u00a0\ufeff]+|[\s\u00a0\ufeff]+$/g;

export function trimText(text: string): string {
  return text.replace(EDGE_SPACE, '');
}

/** The key titles are matched on in every table: trimmed, and lower-cased when asked. */
export function titleKey(text: string, caseInsensitive: boolean): string {
  const trimmed = trimText(text);
  return caseInsensitive ? trimmed.toLowerCase() : trimmed;
}
