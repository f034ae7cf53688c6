package com.procledger.domain.requisition;

import com.procledger.domain.DomainException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequisitionLineTest {

    @Test
    void zeroOrNegativeQuantitiesAreRefused() {
        assertThatThrownBy(() -> new RequisitionLine("Pen", "Office", BigDecimal.ZERO, BigDecimal.ONE))
                .isInstanceOf(DomainException.Invalid.class).hasMessageContaining("quantity");
        assertThatThrownBy(() -> new RequisitionLine("Pen", "Office", new BigDecimal("-1"), BigDecimal.ONE))
                .isInstanceOf(DomainException.Invalid.class);
    }

    @Test
    void absurdQuantitiesAndPricesAreRefused() {
        assertThatThrownBy(() -> new RequisitionLine("Pen", "Office", new BigDecimal("1e9"), BigDecimal.ONE))
                .isInstanceOf(DomainException.Invalid.class);
        assertThatThrownBy(() -> new RequisitionLine("Pen", "Office", BigDecimal.ONE, new BigDecimal("1e15")))
                .isInstanceOf(DomainException.Invalid.class);
        assertThatThrownBy(() -> new RequisitionLine("Pen", "Office", BigDecimal.ONE, new BigDecimal("-0.01")))
                .isInstanceOf(DomainException.Invalid.class);
    }

    @Test
    void lineTotalIsRoundedHalfEvenToTheMinorUnit() {
        // 0.125 lies exactly between 0.12 and 0.13: half-even keeps the even digit
        assertThat(new RequisitionLine("Screw", "Hardware", BigDecimal.ONE, new BigDecimal("0.125"))
                .total("EUR").amount()).isEqualByComparingTo("0.12");
        assertThatThrownBy(() -> new RequisitionLine("Screw", "Hardware", BigDecimal.ONE, new BigDecimal("0.0000001")))
                .isInstanceOf(DomainException.Invalid.class);
        var decimalQuantity = new RequisitionLine("Cable", "Hardware", new BigDecimal("2.5"), new BigDecimal("0.15"));
        assertThat(decimalQuantity.total("EUR").amount()).isEqualByComparingTo("0.38");
        assertThat(new RequisitionLine("Cable", "Hardware", new BigDecimal("2.5"), new BigDecimal("0.13"))
                .total("EUR").amount()).isEqualByComparingTo("0.32");
    }
}
