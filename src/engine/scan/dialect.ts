/** How the bytes of a delimited text file are cut into records and fields. */
export interface Dialect {
  /** Field delimiter byte: 0x2c ',', 0x09 TAB, 0x3b ';', 0x7c '|'. */
  delimiter: number;
  /** Quote byte, normally 0x22 '"'. A doubled quote inside a quoted field is one literal quote. */
  quote: number;
}

export const COMMA = 0x2c;
export const TAB = 0x09;
export const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;

export const CSV: Dialect = { delimiter: COMMA, quote: QUOTE };
export const TSV: Dialect = { delimiter: TAB, quote: QUOTE };
