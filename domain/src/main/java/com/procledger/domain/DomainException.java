package com.procledger.domain;

/** A command was refused by a business rule. Subclasses say which kind of refusal it is. */
public abstract sealed class DomainException extends RuntimeException
        permits DomainException.Invalid, DomainException.IllegalTransition, DomainException.NotPermitted,
        DomainException.NotFound {

    protected DomainException(String message) {
        super(message, null, false, false);
    }

    /** The command's content breaks a rule (bad amount, unknown currency...). */
    public static final class Invalid extends DomainException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** The aggregate's current state does not allow the command. */
    public static final class IllegalTransition extends DomainException {
        public IllegalTransition(String message) {
            super(message);
        }
    }

    /** The actor may not do this (for example, approve their own requisition). */
    public static final class NotPermitted extends DomainException {
        public NotPermitted(String message) {
            super(message);
        }
    }

    /** No such thing in the actor's tenant (another tenant's ids look exactly like unknown ones). */
    public static final class NotFound extends DomainException {
        public NotFound(String message) {
            super(message);
        }
    }
}
