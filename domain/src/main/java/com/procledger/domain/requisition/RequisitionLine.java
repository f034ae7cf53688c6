package com.procledger.domain.requisition;

import com.procledger.domain.DomainException;
import com.procledger.domain.Money;

import java.math.BigDecimal;

/** One thing to buy: how many, at what unit price. */
public record RequisitionLine(String description, String category, BigDecimal quantity, BigDecimal unitPrice) {

    public static final BigDecimal MAX_QUANTITY = new BigDecimal("1000000");
    public static final BigDecimal MAX_UNIT_PRICE = new BigDecimal("1000000000");
    public static final int MAX_QUANTITY_DECIMALS = 3;
    /** Unit prices may be finer than the currency (0.0125 EUR a screw); line totals are rounded. */
    public static final int MAX_UNIT_PRICE_DECIMALS = 6;

    public RequisitionLine {
        description = Requisition.requireText("line description", description, 500);
        category = Requisition.requireText("line category", category, 100);
        if (quantity == null || quantity.signum() <= 0) {
            throw new DomainException.Invalid("quantity must be greater than 0");
        }
        if (quantity.compareTo(MAX_QUANTITY) > 0 || quantity.stripTrailingZeros().scale() > MAX_QUANTITY_DECIMALS) {
            throw new DomainException.Invalid("quantity must be at most " + MAX_QUANTITY.toPlainString()
                    + " with at most " + MAX_QUANTITY_DECIMALS + " decimals");
        }
        if (unitPrice == null || unitPrice.signum() < 0) {
            throw new DomainException.Invalid("unitPrice must be 0 or more");
        }
        if (unitPrice.compareTo(MAX_UNIT_PRICE) > 0 || unitPrice.stripTrailingZeros().scale() > MAX_UNIT_PRICE_DECIMALS) {
            throw new DomainException.Invalid("unitPrice must be at most " + MAX_UNIT_PRICE.toPlainString()
                    + " with at most " + MAX_UNIT_PRICE_DECIMALS + " decimals");
        }
    }

    /** Quantity times unit price, rounded half-even to the currency's minor unit. */
    public Money total(String currency) {
        return Money.rounded(quantity.multiply(unitPrice), currency);
    }
}
