/**
 * Counts lines as a stream goes by: where the counting has reached (an absolute byte
 * offset), the 1-based line there and where that line starts.
 */
export interface LineCursor {
  at: number;
  line: number;
  lineStart: number;
}

export function createLineCursor(): LineCursor {
  return { at: 0, line: 1, lineStart: 0 };
}

/** Moves the cursor to absolute offset `to`, counting newlines of `text` (which starts at `textStart`). */
export function advanceLines(cursor: LineCursor, text: string, textStart: number, to: number): void {
  if (to <= cursor.at) return;
  const stop = to - textStart;
  for (let i = text.indexOf('\n', cursor.at - textStart); i !== -1 && i < stop; i = text.indexOf('\n', i + 1)) {
    cursor.line++;
    cursor.lineStart = textStart + i + 1;
  }
  cursor.at = to;
}

/** Line and byte column (both 1-based) of absolute offset `offset`, moving the cursor there. */
export function locate(cursor: LineCursor, text: string, textStart: number, offset: number): { line: number; column: number } {
  advanceLines(cursor, text, textStart, offset);
  return { line: cursor.line, column: offset - cursor.lineStart + 1 };
}
