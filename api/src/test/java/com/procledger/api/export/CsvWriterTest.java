package com.procledger.api.export;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CsvWriterTest {

    @Test
    void writesRfc4180WithCrlfQuotingWhereNeededAndGuardsUserTextAgainstFormulas() throws Exception {
        var out = new StringWriter();
        var csv = new CsvWriter(out);
        csv.field("id-1").field(null).text("=HYPERLINK(\"x\")").text("plain").field("12.50").endRecord();
        csv.field("a,b").text("line\nbreak").text("-1+1").text("@SUM(A1)").field("say \"hi\"").endRecord();
        assertThat(out.toString()).isEqualTo(
                "id-1,,\"'=HYPERLINK(\"\"x\"\")\",plain,12.50\r\n"
                + "\"a,b\",\"line\nbreak\",'-1+1,'@SUM(A1),\"say \"\"hi\"\"\"\r\n");
    }
}
