package com.procledger.api.export;

import java.io.IOException;
import java.io.Writer;
import java.util.Set;

/**
 * Writes CSV as RFC 4180 has it: records end in CRLF; a field with a comma, a double quote, CR or LF is enclosed in
 * double quotes, and a double quote inside it is doubled. A null field is empty.
 * <p>
 * Text that came from users goes through {@link #text}: a spreadsheet would run a cell starting with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or CR as a formula (CSV injection), so such text is written with a leading
 * apostrophe, which spreadsheets show as text. Identifiers, amounts and times are written as they are.
 */
public final class CsvWriter {

    private static final Set<Character> FORMULA_STARTS = Set.of('=', '+', '-', '@', '\t', '\r');

    private final Writer out;
    private boolean firstField = true;

    public CsvWriter(Writer out) {
        this.out = out;
    }

    /** A field written as it is (identifiers, amounts, times). */
    public CsvWriter field(Object value) throws IOException {
        if (!firstField) {
            out.write(',');
        }
        firstField = false;
        if (value != null) {
            out.write(quoted(value.toString()));
        }
        return this;
    }

    /** A field of text that users typed: guarded against spreadsheet formulas, then written like any other. */
    public CsvWriter text(String value) throws IOException {
        return field(value == null || value.isEmpty() || !FORMULA_STARTS.contains(value.charAt(0)) ? value : "'" + value);
    }

    public void endRecord() throws IOException {
        out.write("\r\n");
        firstField = true;
    }

    static String quoted(String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
