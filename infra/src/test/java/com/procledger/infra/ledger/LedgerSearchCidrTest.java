package com.procledger.infra.ledger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Address criteria are matched in Java on opened addresses, as PostgreSQL's inet {@code <<=} matched them before. */
class LedgerSearchCidrTest {

    @Test
    void rangesAndAddressesMatchAsInetWould() {
        var range = LedgerSearch.Cidr.parse("10.0.7.0/24");
        assertThat(range.contains("10.0.7.0")).isTrue();
        assertThat(range.contains("10.0.7.255")).isTrue();
        assertThat(range.contains("10.0.8.1")).isFalse();
        assertThat(range.contains("10.0.70.1")).isFalse();
        assertThat(LedgerSearch.Cidr.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
        assertThat(LedgerSearch.Cidr.parse("203.0.113.9").contains("203.0.113.9")).isTrue();
        assertThat(LedgerSearch.Cidr.parse("203.0.113.9").contains("203.0.113.10")).isFalse();
        assertThat(LedgerSearch.Cidr.parse("172.16.0.0/12").contains("172.31.255.1")).isTrue();
        assertThat(LedgerSearch.Cidr.parse("172.16.0.0/12").contains("172.32.0.1")).isFalse();
        var v6 = LedgerSearch.Cidr.parse("2001:db8::/32");
        assertThat(v6.contains("2001:db8:1::7")).isTrue();
        assertThat(v6.contains("2001:db9::7")).isFalse();
        assertThat(v6.contains("10.0.7.1")).as("another family").isFalse();
        assertThat(LedgerSearch.Cidr.parse("::/0").contains("::1")).isTrue();
    }

    @Test
    void whatIsNoAddressMatchesNothingAndIsNoCriterion() {
        var range = LedgerSearch.Cidr.parse("10.0.0.0/8");
        for (String text : new String[]{null, "", "erased subject 3f2a9c1d", "expired (unauthenticated request)",
                "10.0.0", "10.0.0.256", "10.0.0.1.", "1.2.3.4.5", "localhost", "10.a.0.1"}) {
            assertThat(range.contains(text)).as(String.valueOf(text)).isFalse();
        }
        assertThatThrownBy(() -> LedgerSearch.Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerSearch.Cidr.parse("example.com")).isInstanceOf(IllegalArgumentException.class);
    }
}
