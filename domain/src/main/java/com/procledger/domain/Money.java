package com.procledger.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount in one ISO 4217 currency. Amounts are exact decimals scaled to the currency's minor unit,
 * so 10.5 EUR is stored and compared as 10.50 EUR.
 */
public record Money(BigDecimal amount, String currency) implements Comparable<Money> {

    /** Larger amounts are treated as input errors, not as purchases. */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

    public Money {
        Objects.requireNonNull(amount, "amount");
        currency = checkedCurrency(currency).getCurrencyCode();
        int digits = fractionDigits(currency);
        if (amount.scale() > digits && amount.stripTrailingZeros().scale() > digits) {
            throw new DomainException.Invalid(
                    "amount " + amount.toPlainString() + " has more decimals than " + currency + " allows (" + digits + ")");
        }
        amount = amount.setScale(digits, RoundingMode.UNNECESSARY);
        if (amount.abs().compareTo(MAX_AMOUNT) > 0) {
            throw new DomainException.Invalid("amount " + amount.toPlainString() + " is larger than " + MAX_AMOUNT.toPlainString());
        }
    }

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }

    public static Money zero(String currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    /** Rounds an exact product (quantity times price) to the currency's minor unit, half-even like most ledgers. */
    public static Money rounded(BigDecimal amount, String currency) {
        return new Money(amount.setScale(fractionDigits(checkedCurrency(currency).getCurrencyCode()), RoundingMode.HALF_EVEN), currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.add(other.amount), currency);
    }

    public boolean isPositive() {
        return amount.signum() > 0;
    }

    public boolean isAtLeast(BigDecimal threshold) {
        return amount.compareTo(threshold) >= 0;
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return amount.compareTo(other.amount);
    }

    /** True for an ISO 4217 code this JVM knows; codes without a minor unit (no-currency, testing, gold) are refused. */
    public static boolean isKnownCurrency(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            return false;
        }
        try {
            return Currency.getInstance(code).getDefaultFractionDigits() >= 0;
        } catch (IllegalArgumentException unknown) {
            return false;
        }
    }

    public static int fractionDigits(String currency) {
        return checkedCurrency(currency).getDefaultFractionDigits();
    }

    private static Currency checkedCurrency(String code) {
        if (!isKnownCurrency(code)) {
            throw new DomainException.Invalid("unknown currency '" + code + "': use an ISO 4217 code such as EUR or USD");
        }
        return Currency.getInstance(code);
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new DomainException.Invalid("cannot combine " + currency + " with " + other.currency);
        }
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency;
    }
}
