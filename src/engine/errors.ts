/** Where in an input a problem was found. Lines are 1-based physical lines of the file. */
export interface InputLocation {
  file: string;
  line?: number;
  column?: string;
}

/**
 * A problem the user can fix in their input or options. Carries its location as data so each
 * face (CLI, n8n node) can render it; the message already reads as one clear line.
 */
export class InputError extends Error {
  readonly location: InputLocation | undefined;
  readonly expected: string | undefined;
  /** The message without its place and expectation, to render it again elsewhere (another thread). */
  readonly detail: string;

  constructor(message: string, location?: InputLocation, expected?: string) {
    super(InputError.render(message, location, expected));
    this.name = 'InputError';
    this.location = location;
    this.expected = expected;
    this.detail = message;
  }

  static render(message: string, location?: InputLocation, expected?: string): string {
    const where = location
      ? [location.file, location.line !== undefined ? `line ${location.line}` : '', location.column !== undefined ? `column "${location.column}"` : '']
          .filter(Boolean)
          .join(', ')
      : '';
    return `${where ? `${where}: ` : ''}${message}${expected ? ` (expected ${expected})` : ''}`;
  }
}

/** A file that is shorter than when the run measured it: it was cut (or replaced) while being read. */
export function fileChangedError(file: string): InputError {
  return new InputError('the file changed while it was read: it is now shorter than when the join started', { file }, 'a file that stays the same during the run');
}

/** The run was stopped on purpose (cancellation, SIGINT). */
export class CancelledError extends Error {
  constructor(message = 'The join was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A worker thread threw or died: not the user's input, but reported in one line with its place. */
export class WorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerError';
  }
}
