package com.procledger.api.export;

import java.io.IOException;
import java.io.Writer;
import java.util.Set;

/**
 * Writes CSV as RFC 4180 has it, through Apache Commons CSV ({@code CSVFormat.RFC4180}): records end in CRLF; a field
 * is enclosed in double quotes where it must be (a comma, a double quote, CR or LF in it), and a double quote inside
 * it is doubled. A null field is empty.
 * <p>
 * Text that came from users goes through {@link #text}: a spreadsheet would run a cell starting with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or CR as a formula (CSV injection), so such text is written with a leading
 * apostrophe, which spreadsheets show as text (Commons CSV has no such guard). Identifiers, amounts and times are
 * written as they are.
 */
public final class CsvWriter {

    private static final Set<Character> FORMULA_STARTS = Set.of('=', '+', '-', '@', '\t', '\r');
    private static final org.apache.commons.csv.CSVFormat FORMAT = org.apache.commons.csv.CSVFormat.RFC4180;

    private final org.apache.commons.csv.CSVPrinter printer;

    public CsvWriter(Writer out) throws IOException {
        this.printer = new org.apache.commons.csv.CSVPrinter(out, FORMAT);
    }

    /** A field written as it is (identifiers, amounts, times). */
    public CsvWriter field(Object value) throws IOException {
        printer.print(value == null ? null : value.toString());
        return this;
    }

    /** A field of text that users typed: guarded against spreadsheet formulas, then written like any other. */
    public CsvWriter text(String value) throws IOException {
        return field(value == null || value.isEmpty() || !FORMULA_STARTS.contains(value.charAt(0)) ? value : "'" + value);
    }

    public void endRecord() throws IOException {
        printer.println();
    }
}
