"""A customer: registered once, with a name and a well-formed email address."""

from __future__ import annotations

import re

from ddd_sim.contexts.customer.domain.events import (
    CustomerEmailChanged,
    CustomerRegistered,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import CustomerId

# one "@", something before it, a dotted domain after it, no spaces anywhere
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


class CustomerAlreadyRegistered(DomainError):
    """A registration named a customer id that is already taken."""


def require_name(customer_id: str, name: str) -> str:
    """A customer's name, trimmed; it must not be blank."""
    trimmed = name.strip()
    if not trimmed:
        raise ValidationError(f"customer {customer_id} needs a name, got {name!r}")
    return trimmed


def require_email(customer_id: str, email: str) -> str:
    """An email address, trimmed and lower-cased; it must look like one."""
    normalised = email.strip().lower()
    if not _EMAIL.fullmatch(normalised):
        raise ValidationError(
            f"email of customer {customer_id} must look like name@example.com, "
            f"got {email!r}"
        )
    return normalised


class Customer(Aggregate):
    """Registers once per id; only a registered customer changes their email."""

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.registered = False
        self.name = ""
        self.email = ""

    # -- decisions ----------------------------------------------------------
    def register(self, name: str, email: str) -> None:
        """Record the registration; a second registration of the id is refused."""
        if self.registered:
            raise CustomerAlreadyRegistered(
                f"customer {self.id} is already registered (as {self.name!r})"
            )
        self._record(
            CustomerRegistered(
                customer_id=CustomerId(self.id),
                name=require_name(self.id, name),
                email=require_email(self.id, email),
            )
        )

    def change_email(self, email: str) -> None:
        """Move to a new address; the address already held records nothing."""
        if not self.registered:
            raise DomainError(f"customer {self.id} is not registered")
        normalised = require_email(self.id, email)
        if normalised == self.email:
            return
        self._record(
            CustomerEmailChanged(
                customer_id=CustomerId(self.id),
                previous_email=self.email,
                email=normalised,
            )
        )

    # -- state --------------------------------------------------------------
    @applies(CustomerRegistered)
    def _registered(self, event: CustomerRegistered) -> None:
        self.registered = True
        self.name = event.name
        self.email = event.email

    @applies(CustomerEmailChanged)
    def _email_changed(self, event: CustomerEmailChanged) -> None:
        self.email = event.email
