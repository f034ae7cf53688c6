package com.procledger.api.http;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderValuesTest {

    @Test
    void everyCodePointIsAllowedOrRefusedAsByTheFirewallsOwnCheck() {
        int allowed = 0;
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String value = "a" + new String(Character.toChars(codePoint)) + "b";
            boolean expected = StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(value);
            assertThat(HeaderValues.allowed(value)).as("U+%04X", codePoint).isEqualTo(expected);
            allowed += expected ? 1 : 0;
        }
        assertThat(allowed).as("code points allowed").isGreaterThan(100_000).isLessThan(Character.MAX_CODE_POINT);
        assertThat(HeaderValues.allowed("Bearer eyJ.abc\tdef")).isTrue();
        assertThat(HeaderValues.allowed("evil\r\nSet-Cookie: x")).isFalse();
        assertThat(HeaderValues.allowed("\u007f")).isFalse();
    }

    @Test
    void generatedValuesAreAllowedOrRefusedAsByTheFirewallsOwnCheck() {
        Random random = new Random(6122026);
        char[] alphabet = {'a', ' ', '\t', '\n', '\u0000', '\u007f', '\u0080', '\u00e9', '\u2028', '\ud83d', '\ude00',
                '\uffff', '\u0378', 'Z', '='};
        for (int i = 0; i < 50_000; i++) {
            var value = new StringBuilder();
            int length = random.nextInt(8);
            for (int j = 0; j < length; j++) {
                value.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String v = value.toString();
            assertThat(HeaderValues.allowed(v)).as("[%s]", v).isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(v));
        }
    }
}
